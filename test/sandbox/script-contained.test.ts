/**
 * The built-in script agent in the sandbox: a process of its own (like every agent), with the same
 * answers as in-process — its outputs, a question asked once across attempts (remembered in its
 * private HOME), an invalid script blocked, a pause past the inactivity limit killed from outside.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runScriptAgent } from "../../src/agents/script.js";
import type { AgentRunRequest } from "../../src/agents/types.js";
import { parseFrontmatter } from "../../src/store/frontmatter.js";
import { makeRequest } from "../agents/request.js";
import { tempDir, tempRepo } from "../helpers/temp-repo.js";
import { sandboxed } from "../support/sandbox.js";

const fence = "```";
const script = (yaml: string) => `# Task\nGreet Ada.\n\n${fence}fleet-script\n${yaml}\n${fence}\n`;

function request(overrides: Partial<AgentRunRequest> = {}, agent: Record<string, unknown> = {}) {
  const home = tempDir("fleet-agent-home-");
  return sandboxed(
    makeRequest(
      { runner: "script", ...agent },
      { cwd: tempRepo(), parentEnv: { PATH: process.env.PATH, HOME: home, LANG: "C" }, ...overrides },
    ),
  );
}

describe("script agent in the sandbox (real bwrap)", () => {
  it("answers as in-process: research.md in its output folder, a file in its clone, the transcript logged", async () => {
    const research = request({ phase: "research" });
    const r = await runScriptAgent(research);
    expect(r.outcome).toBe("finished");
    const text = readFileSync(path.join(research.outputDir, "research.md"), "utf8");
    expect(parseFrontmatter(text).data).toMatchObject({ task: "greet-ada-7k2q" });
    expect(readFileSync(research.logFile, "utf8")).toMatch(
      /\(sandboxed\)[\s\S]*wrote \$FLEET_OUTPUT_DIR\/research\.md/,
    );

    const implement = request({ phase: "implement", attempt: 2 });
    expect((await runScriptAgent(implement)).outcome).toBe("finished");
    expect(readFileSync(path.join(implement.cwd, "scripted/greet-ada-7k2q.md"), "utf8")).toContain(
      "attempt 2",
    );
  });

  it("asks a question once per task, remembering it in its private HOME", async () => {
    const prompt = script("plan:\n  question: Which greeting?");
    const first = request({ phase: "plan", prompt });
    expect((await runScriptAgent(first)).outcome).toBe("finished");
    expect(readFileSync(path.join(first.outputDir, "question.md"), "utf8")).toBe("Which greeting?\n");
    const again = sandboxed({ ...first, outputDir: path.join(tempDir("fleet-out-"), "out"), attempt: 2 });
    expect((await runScriptAgent(again)).outcome).toBe("finished");
    expect(() => readFileSync(path.join(again.outputDir, "question.md"))).toThrow();
  });

  it("blocks on an invalid script and times out a pause past the inactivity limit", async () => {
    const bad = request({ phase: "plan", prompt: script("plan: [not, a, step") });
    const blocked = await runScriptAgent(bad);
    expect(blocked.outcome).toBe("blocked");
    expect(blocked.reason).toContain(".fleet/queue/greet-ada-7k2q.md");

    const slow = request(
      { phase: "research", prompt: script("research:\n  sleep: 60000") },
      { idle_timeout: "1s" },
    );
    const timedOut = await runScriptAgent(slow);
    expect(timedOut.outcome).toBe("timeout");
  });
});
