import { existsSync, readFileSync, symlinkSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { getRunner } from "../../src/agents/index.js";
import { runScriptAgent } from "../../src/agents/script.js";
import { spawnProcess } from "../../src/agents/spawn.js";
import type { AgentRunRequest } from "../../src/agents/types.js";
import { parseFrontmatter } from "../../src/store/frontmatter.js";
import { acceptanceSchema, planSchema, researchSchema } from "../../src/store/schemas/artifacts.js";
import { tempDir, tempRepo, writeFile } from "../helpers/temp-repo.js";
import { makeRequest } from "./request.js";

const fence = "```";
const script = (yaml: string) => `# Task\nGreet Ada.\n\n${fence}fleet-script\n${yaml}\n${fence}\n`;

function scriptRequest(overrides: Partial<AgentRunRequest> = {}, agent: Record<string, unknown> = {}) {
  return makeRequest({ runner: "script", ...agent }, { cwd: tempRepo(), ...overrides });
}
const read = (dir: string, rel: string) => readFileSync(path.join(dir, rel), "utf8");
const frontmatterOf = (dir: string, rel: string) => parseFrontmatter(read(dir, rel)).data;

describe("script runner without a script", () => {
  it("research: writes a valid research.md listing the checkout's top-level files", async () => {
    const req = scriptRequest({ phase: "research" });
    writeFile(req.cwd, "src/index.js", "export {};\n");
    const r = await runScriptAgent(req);
    expect(r.outcome).toBe("finished");
    expect(r.exitCode).toBe(0);
    expect(researchSchema.parse(frontmatterOf(req.outputDir, "research.md")).task).toBe("greet-ada-7k2q");
    const body = read(req.outputDir, "research.md");
    expect(body).toContain("- `README.md`");
    expect(body).toContain("- `src/`");
    expect(body).toContain("> Say hello to Ada.");
    expect(read(req.promptFile, "")).toBe(req.prompt);
    expect(read(req.logFile, "")).toMatch(
      /agent tester \(script\)[\s\S]*wrote \$FLEET_OUTPUT_DIR\/research\.md/,
    );
  });

  it("plan: writes plan.md and an acceptance.md with one check that runs its own file, both valid", async () => {
    const req = scriptRequest({ phase: "plan" });
    expect((await runScriptAgent(req)).outcome).toBe("finished");
    expect(planSchema.parse(frontmatterOf(req.outputDir, "plan.md")).task).toBe("greet-ada-7k2q");
    const acceptance = acceptanceSchema.parse(frontmatterOf(req.outputDir, "acceptance.md"));
    expect(acceptance.checks).toEqual([
      {
        id: "AC1",
        says: "the scripted change is in place",
        run: "sh .fleet/acceptance/greet-ada-7k2q/check.sh",
      },
    ]);
    expect(read(req.outputDir, "acceptance/check.sh")).toBe("test -f scripted/greet-ada-7k2q.md\n");
  });

  it("implement: changes a file in the worktree", async () => {
    const req = scriptRequest({ phase: "implement", attempt: 2 });
    expect((await runScriptAgent(req)).outcome).toBe("finished");
    expect(read(req.cwd, "scripted/greet-ada-7k2q.md")).toContain("attempt 2");
  });

  it("review: approves", async () => {
    const req = scriptRequest({ phase: "review" });
    expect((await runScriptAgent(req)).outcome).toBe("finished");
    expect(frontmatterOf(req.outputDir, "review.md")).toEqual({ verdict: "approve" });
  });
});

describe("script runner with a fleet-script block", () => {
  const demo = script(`
research: |
  # Findings
  greet.js does not exist yet.
plan:
  output: "# Plan\\nAdd greet.js.\\n"
  acceptance:
    checks:
      - { id: AC1, says: "greet('Ada') says hello", run: "node --test .fleet/acceptance/greet-ada-7k2q/greet.test.mjs" }
    files:
      greet.test.mjs: "import './greet.js';\\n"
implement:
  - { attempt: 1, write: { src/greet.js: "export const greet = () => 'nope';\\n" }, say: "first try" }
  - write: { src/greet.js: "export const greet = (n) => 'Hello, ' + n + '!';\\n" }
    delete: [README.md]
review: { verdict: changes, output: "Needs tests." }
`);

  it("writes the scripted research and plan with acceptance files", async () => {
    const research = scriptRequest({ phase: "research", prompt: demo });
    await runScriptAgent(research);
    expect(read(research.outputDir, "research.md")).toBe(
      "---\ntask: greet-ada-7k2q\n---\n# Findings\ngreet.js does not exist yet.\n",
    );

    const plan = scriptRequest({ phase: "plan", prompt: demo });
    expect((await runScriptAgent(plan)).outcome).toBe("finished");
    expect(parseFrontmatter(read(plan.outputDir, "plan.md")).body).toBe("# Plan\nAdd greet.js.\n");
    const acceptance = acceptanceSchema.parse(frontmatterOf(plan.outputDir, "acceptance.md"));
    expect(acceptance.checks[0]?.run).toBe("node --test .fleet/acceptance/greet-ada-7k2q/greet.test.mjs");
    expect(read(plan.outputDir, "acceptance/greet.test.mjs")).toBe("import './greet.js';\n");
  });

  it("plays the step of the attempt: broken first, fixed on the second", async () => {
    const first = scriptRequest({ phase: "implement", attempt: 1, prompt: demo });
    await runScriptAgent(first);
    expect(read(first.cwd, "src/greet.js")).toContain("nope");
    expect(read(first.logFile, "")).toContain("first try");

    const second = scriptRequest({ phase: "implement", attempt: 2, prompt: demo });
    await runScriptAgent(second);
    expect(read(second.cwd, "src/greet.js")).toContain("Hello, ");
    expect(existsSync(path.join(second.cwd, "README.md"))).toBe(false);
    expect(existsSync(path.join(second.cwd, "scripted"))).toBe(false);
  });

  it("writes the scripted review verdict", async () => {
    const req = scriptRequest({ phase: "review", prompt: demo });
    await runScriptAgent(req);
    expect(parseFrontmatter(read(req.outputDir, "review.md"))).toMatchObject({
      data: { verdict: "changes" },
      body: "Needs tests.\n",
    });
  });

  it("asks its question once per task and phase, then goes on", async () => {
    const prompt = script("research: { question: 'Formal or casual greeting?' }");
    const logFile = path.join(tempDir(), "logs", "greet-ada-7k2q", "001-research.log");
    const first = scriptRequest({ prompt, logFile });
    expect((await runScriptAgent(first)).outcome).toBe("finished");
    expect(read(first.outputDir, "question.md")).toBe("Formal or casual greeting?\n");
    expect(existsSync(path.join(first.outputDir, "research.md"))).toBe(false);

    const second = scriptRequest({ prompt, logFile: logFile.replace("001", "002") });
    expect((await runScriptAgent(second)).outcome).toBe("finished");
    expect(existsSync(path.join(second.outputDir, "question.md"))).toBe(false);
    expect(researchSchema.safeParse(frontmatterOf(second.outputDir, "research.md")).success).toBe(true);
  });

  it("exits as told: 75 is try-later, 1 is failed with what it said", async () => {
    const later = await runScriptAgent(scriptRequest({ prompt: script("research: { exit: 75 }") }));
    expect(later.outcome).toBe("try-later");
    const failed = await runScriptAgent(
      scriptRequest({ phase: "plan", prompt: script("plan: { say: 'cannot plan this', exit: 1 }") }),
    );
    expect(failed).toMatchObject({
      outcome: "failed",
      exitCode: 1,
      reason: "exited with code 1: cannot plan this",
    });
  });

  it("picks a step by what the prompt says (a rejection's words)", async () => {
    const yaml =
      "plan:\n  - { when: 'use French', output: '# Plan\\nBonjour.' }\n  - { output: '# Plan\\nHello.' }";
    const plain = scriptRequest({ phase: "plan", prompt: script(yaml) });
    await runScriptAgent(plain);
    expect(read(plain.outputDir, "plan.md")).toContain("Hello.");
    const rejected = scriptRequest({
      phase: "plan",
      prompt: `${script(yaml)}\nRejected: please use French.\n`,
    });
    await runScriptAgent(rejected);
    expect(read(rejected.outputDir, "plan.md")).toContain("Bonjour.");
  });

  it("a later block overrides an earlier one phase by phase", async () => {
    const prompt = `${script("research: from role\nplan: kept")}\n${script("research: from task")}`;
    const req = scriptRequest({ prompt });
    await runScriptAgent(req);
    expect(parseFrontmatter(read(req.outputDir, "research.md")).body).toBe("from task\n");
  });
});

describe("script runner safety and limits", () => {
  it("is blocked by paths that leave the working directory, before writing anything", async () => {
    for (const bad of ["../escape.txt", "/tmp/abs.txt", ".git/config", "a/../../b"]) {
      const req = scriptRequest({
        phase: "implement",
        prompt: script(`implement: { write: { "${bad}": x } }`),
      });
      const r = await runScriptAgent(req);
      expect(r.outcome).toBe("blocked");
      expect(r.reason).toContain(`"${bad}" must be a relative path inside the working directory`);
      expect(existsSync(path.join(req.cwd, "scripted"))).toBe(false);
    }
  });

  it("refuses to write through a symlink that leads outside", async () => {
    const outside = tempDir();
    const req = scriptRequest({
      phase: "implement",
      prompt: script("implement: { write: { link/x.txt: x } }"),
    });
    symlinkSync(outside, path.join(req.cwd, "link"));
    const r = await runScriptAgent(req);
    expect(r.outcome).toBe("failed");
    expect(read(req.logFile, "")).toContain("a symlink leads outside");
    expect(existsSync(path.join(outside, "x.txt"))).toBe(false);
  });

  it("is blocked by invalid YAML or unknown keys, naming the problem", async () => {
    const yaml = await runScriptAgent(scriptRequest({ prompt: script("research: [unclosed") }));
    expect(yaml.outcome).toBe("blocked");
    expect(yaml.reason).toMatch(/^fleet-script block 1 is invalid: not valid YAML/);
    const unknown = await runScriptAgent(scriptRequest({ prompt: script("research: { wirte: {} }") }));
    expect(unknown.outcome).toBe("blocked");
    expect(unknown.reason).toContain("wirte");
  });

  it("times out a sleep longer than the idle limit, and stops on abort", async () => {
    const slow = script("research: { sleep: 10m }");
    const idle = await runScriptAgent(scriptRequest({ prompt: slow }, { idle_timeout: "200ms" }));
    expect(idle).toMatchObject({ outcome: "timeout", exitCode: null });
    expect(idle.reason).toContain("200ms, the inactivity limit");

    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const aborted = await runScriptAgent(scriptRequest({ prompt: slow, signal: controller.signal }));
    expect(aborted.outcome).toBe("aborted");
  });

  it("plays the preset the agent file names, and is blocked by an unknown one", async () => {
    const fail = await runScriptAgent(scriptRequest({}, { script: "fail" }));
    expect(fail).toMatchObject({
      outcome: "failed",
      reason: "exited with code 1: scripted failure in research",
    });
    const unknown = await getRunner("script")(scriptRequest({}, { script: "nope" }));
    expect(unknown.outcome).toBe("blocked");
    expect(unknown.reason).toContain('script "nope" is not a built-in script');
  });
});

describe("the example in docs/agents.md", () => {
  it("plans, fails its first implement attempt, then passes its own acceptance check", async () => {
    const doc = readFileSync(new URL("../../docs/agents.md", import.meta.url), "utf8");
    const task = doc.slice(
      doc.indexOf("Add a greeting helper."),
      doc.indexOf("````", doc.indexOf("Add a greeting helper.")),
    );
    const cwd = tempRepo();
    const plan = scriptRequest({ phase: "plan", prompt: task, taskId: "add-greeting", cwd });
    expect((await runScriptAgent(plan)).outcome).toBe("finished");
    const acceptance = acceptanceSchema.parse(frontmatterOf(plan.outputDir, "acceptance.md"));
    // Install the plan's acceptance files where the check expects them, as the coordinator would.
    writeFile(
      cwd,
      ".fleet/acceptance/add-greeting/greet.accept.mjs",
      read(plan.outputDir, "acceptance/greet.accept.mjs"),
    );
    const check = async () =>
      spawnProcess({
        shellCommand: acceptance.checks[0]?.run ?? "false",
        cwd,
        env: { PATH: process.env.PATH ?? "" },
      });

    await runScriptAgent(
      scriptRequest({ phase: "implement", attempt: 1, prompt: task, taskId: "add-greeting", cwd }),
    );
    expect((await check()).exitCode).not.toBe(0);
    await runScriptAgent(
      scriptRequest({ phase: "implement", attempt: 2, prompt: task, taskId: "add-greeting", cwd }),
    );
    const passed = await check();
    expect(passed.tail).toContain("pass 1");
    expect(passed.exitCode).toBe(0);
  });
});
