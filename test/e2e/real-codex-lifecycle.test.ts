/**
 * A task from idea to shipped with the real `codex` CLI (pinned devDependency) as researcher, planner
 * and implementer, driven by the built `fleet` CLI against the scripted model server's Responses API:
 * codex runs the shell commands and applies the patch itself, in its sandbox; the run records carry
 * the tokens codex reported, priced with config.md's `prices:`.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { gitOut } from "../helpers/temp-repo.js";
import {
  CODEX_BIN,
  CODEX_ENV_NAMES,
  codexParentEnv,
  FAKE_OPENAI_KEY,
  promptValue,
} from "../support/agent-clis.js";
import {
  ACCEPTANCE_TEST,
  editFrontmatter,
  expectCode,
  frontmatter,
  GREET,
  GREET_DONE,
  makeProject,
} from "../support/fleet-project.js";
import { type ModelRequest, type ScriptEntry, serveModelPerTest } from "../support/model-server.js";

const ID = "greet-with-comma";
const PRICE = { input_per_mtok: 1.25, output_per_mtok: 10 };
const AGENT = { runner: "codex", command: [CODEX_BIN], env: CODEX_ENV_NAMES, model: "gpt-5.5" };

const serve = serveModelPerTest();

const out = (r: ModelRequest) => promptValue(r.text, "FLEET_OUTPUT_DIR");
const shell = (cmd: string, usage?: { input_tokens: number; output_tokens: number }) => ({
  tools: [{ name: "exec_command", input: { cmd } }],
  ...(usage ? { usage } : {}),
});
const heredoc = (file: string, text: string) => `cat > '${file}' <<'FLEET_EOF'\n${text}FLEET_EOF\n`;

const patch = `*** Begin Patch\n*** Update File: src/greet.js\n@@\n-  return 'Hello ' + name;\n+  return 'Hello, ' + name + '!';\n*** End Patch\n`;

const LIFECYCLE: ScriptEntry[] = [
  // research
  shell("cat src/greet.js"),
  (r) =>
    shell(heredoc(`${out(r)}/research.md`, "# Research\n\n`src/greet.js` says 'Hello ' + name: no comma.\n")),
  { text: "Research written.", usage: { input_tokens: 2500, output_tokens: 40 } },
  // plan
  (r) =>
    shell(
      [
        heredoc(`${out(r)}/plan.md`, "# Plan\n\nReturn `'Hello, ' + name + '!'` from `src/greet.js`.\n"),
        heredoc(
          `${out(r)}/acceptance.md`,
          `---\nchecks:\n  - id: AC1\n    says: "greet('Ada') returns 'Hello, Ada!'"\n    run: node --test .fleet/acceptance/${ID}/greet.test.mjs\n---\nComma and exclamation mark.\n`,
        ),
        `mkdir -p '${out(r)}/acceptance'`,
        heredoc(`${out(r)}/acceptance/greet.test.mjs`, ACCEPTANCE_TEST),
      ].join("\n"),
    ),
  { text: "Plan written." },
  // implement
  { tools: [{ name: "apply_patch", input: patch }] },
  { text: "Implemented.", usage: { input_tokens: 4000, output_tokens: 120 } },
];

function runRecords(root: string): Record<string, unknown>[] {
  const dir = path.join(root, ".fleet/runs", ID);
  return readdirSync(dir)
    .sort()
    .map((f) => frontmatter(root, `.fleet/runs/${ID}/${f}`));
}

/** Tokens codex reported in a transcript's turn.completed events. */
function reportedTokens(root: string, logRel: string): { input: number; output: number } {
  const common = path.resolve(root, gitOut(root, "rev-parse", "--git-common-dir"));
  let input = 0;
  let output = 0;
  for (const line of readFileSync(path.join(common, logRel), "utf8").split("\n")) {
    if (!line.startsWith('{"type":"turn.completed"')) continue;
    const usage = (JSON.parse(line) as { usage: { input_tokens: number; output_tokens: number } }).usage;
    input += usage.input_tokens;
    output += usage.output_tokens;
  }
  return { input, output };
}

describe("a task from idea to shipped with the real codex CLI", () => {
  it("researches and plans through codex's shell, implements with its patch tool, ships; tokens priced from config", {
    timeout: 300_000,
  }, async () => {
    const server = await serve({ openai: LIFECYCLE });
    const { root, fleet } = makeProject(AGENT);
    editFrontmatter(root, ".fleet/config.md", (c) => ({ ...c, prices: { "gpt-5.5": PRICE } }));
    gitOut(root, "commit", "-q", "-am", "prices");
    const env = codexParentEnv(server);
    expectCode(await fleet(["idea", "Greet with a comma", "--id", ID, "--ready"]), 0, "fleet idea");

    expectCode(
      await fleet(["run", "--until-idle"], env),
      7,
      "fleet run (research, plan: the plan waits for you)",
    );
    expect(frontmatter(root, `.fleet/queue/${ID}.md`)).toMatchObject({
      phase: "plan",
      status: "awaiting-approval",
    });
    expect(readFileSync(path.join(root, `.fleet/research/${ID}.md`), "utf8")).toContain("no comma");
    expect(readFileSync(path.join(root, `.fleet/acceptance/${ID}/greet.accept.mjs`), "utf8")).toBe(
      ACCEPTANCE_TEST,
    );
    expect(readFileSync(path.join(root, "src/greet.js"), "utf8")).toBe(GREET);

    expectCode(await fleet(["approve", ID]), 0, "fleet approve");
    expectCode(await fleet(["run", "--until-idle"], env), 0, "fleet run (implement, ship)");
    expect(frontmatter(root, `.fleet/queue/${ID}.md`)).toMatchObject({ phase: "done" });
    expect(gitOut(root, "show", "main:src/greet.js")).toBe(GREET_DONE.trimEnd());
    expect(server.exhausted).toBe(0);

    const runs = runRecords(root).filter((r) => r.runner === "codex");
    expect(runs.map((r) => r.phase)).toEqual(["research", "plan", "implement"]);
    let usd = 0;
    for (const run of runs) {
      const reported = reportedTokens(root, run.log as string);
      const expected =
        (reported.input * PRICE.input_per_mtok + reported.output * PRICE.output_per_mtok) / 1e6;
      expect(run.cost).toMatchObject({ input_tokens: reported.input, output_tokens: reported.output });
      expect((run.cost as { usd: number }).usd).toBeCloseTo(expected, 6);
      usd += expected;
    }
    const report = JSON.parse(expectCode(await fleet(["cost", "--json"]), 0, "fleet cost").stdout);
    expect(report.total.usd).toBeCloseTo(usd, 6);
    expect(report.total.unpriced).toBe(0);
    expect(gitOut(root, "log", "-p", "--all")).not.toContain(FAKE_OPENAI_KEY);
  });
});
