import { chmodSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { doctor } from "../../src/commands/doctor.js";
import { init } from "../../src/commands/init.js";
import { gitOut, tempRepo, writeFile } from "../helpers/temp-repo.js";

const BARE = { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin` };
const modules = path.resolve("node_modules");

/** A repo with package.json scripts and a committed `.fleet/` whose agents use `runner` (default script). */
async function project(scripts: Record<string, string>, files: Record<string, string> = {}): Promise<string> {
  const root = tempRepo();
  writeFile(root, "package.json", JSON.stringify({ name: "lib", type: "module", scripts }));
  for (const [f, text] of Object.entries(files)) writeFile(root, f, text);
  gitOut(root, "add", "-A");
  gitOut(root, "commit", "-q", "-m", "project");
  await init({ cwd: root, env: BARE });
  return root;
}

function setConfig(root: string, from: RegExp, to: string): void {
  const file = path.join(root, ".fleet/config.md");
  const text = readFileSync(file, "utf8");
  writeFile(root, ".fleet/config.md", text.replace(from, to));
  gitOut(root, "commit", "-q", "-am", "config");
}

function useScriptAgents(root: string): void {
  for (const name of ["researcher", "planner", "implementer", "reviewer"]) {
    writeFile(root, `.fleet/agents/${name}.md`, "---\nrunner: script\n---\nRole.\n");
  }
  gitOut(root, "commit", "-q", "-am", "script agents");
}

describe("fleet doctor --deep", () => {
  it("passes a project whose setup and gates work in a clean checkout, listing what it ran", async () => {
    const root = await project(
      { test: "node --test" },
      { "test/ok.test.mjs": "import test from 'node:test';\ntest('ok', () => {});\n" },
    );
    setConfig(root, /^setup: .*$/m, "setup: test -f package.json");
    useScriptAgents(root);
    const r = await doctor({ cwd: root, deep: true, env: BARE });
    expect(r.problems).toEqual([]);
    expect(r.deep?.commit).toBe(gitOut(root, "rev-parse", "HEAD"));
    expect(r.deep?.steps.map((s) => [s.step, s.verdict])).toEqual([
      ["agent implementer", "pass"],
      ["agent planner", "pass"],
      ["agent researcher", "pass"],
      ["agent reviewer", "pass"],
      ["setup", "pass"],
      ["gate test", "pass"],
      ["gate acceptance", "skipped"],
    ]);
    expect(gitOut(root, "worktree", "list")).not.toMatch(/fleet-doctor/);
  });

  it("finds the setup that fails in a checkout because git does not track the lock file", async () => {
    const root = await project({ test: "node --test" }, { ".gitignore": "package-lock.json\n" });
    writeFile(root, "package-lock.json", '{"lockfileVersion":3,"packages":{}}');
    setConfig(root, /^setup: .*$/m, "setup: npm ci");
    useScriptAgents(root);
    const r = await doctor({ cwd: root, deep: true, env: BARE });
    expect(r.ok).toBe(false);
    // Found twice: from git's list of files (plain doctor), and by running it (--deep).
    expect(r.problems).toEqual([
      expect.objectContaining({
        file: ".fleet/config.md",
        field: "setup",
        message: expect.stringMatching(
          /^`npm ci` installs from package-lock\.json .* which git does not track/,
        ),
      }),
      expect.objectContaining({
        file: ".fleet/config.md",
        field: "setup",
        message: expect.stringMatching(/^`npm ci` exited 1 in a clean checkout of main/),
        fix: expect.stringMatching(/lock file git does not track/),
      }),
    ]);
    expect(r.deep?.steps.at(-1)).toMatchObject({ step: "setup", verdict: "fail" });
  });

  it("finds a gate that is red with no change, with its output and log", async () => {
    const root = await project(
      { test: "node --test" },
      {
        "test/env.test.mjs":
          "import test from 'node:test';\nimport assert from 'node:assert';\ntest('needs a task id', () => assert.equal(process.env.FLEET_TASK_ID, 'a task'));\n",
      },
    );
    setConfig(root, /^setup: .*$/m, "setup: null");
    useScriptAgents(root);
    const r = await doctor({ cwd: root, deep: true, env: BARE });
    const problem = r.problems.find((p) => p.file === ".fleet/gates/test.md");
    expect(problem?.message).toMatch(
      /^fails with no change at all, in a clean checkout of main \([0-9a-f]{12}\): exit 1/,
    );
    expect(problem?.message).toMatch(/not ok 1 - needs a task id/);
    const log = /Read (\S+\.log)/.exec(problem?.fix ?? "")?.[1] ?? "";
    expect(existsSync(log)).toBe(true);
  });

  it("catches a test runner that loads files under .fleet/acceptance/ (uvu on a folder)", async () => {
    const root = await project(
      { test: "uvu ." },
      { "test/ok.mjs": "import { test } from 'uvu';\ntest('ok', () => {});\ntest.run();\n" },
    );
    setConfig(root, /^setup: .*$/m, `setup: ln -s ${modules} node_modules`);
    useScriptAgents(root);
    const r = await doctor({ cwd: root, deep: true, env: BARE });
    expect(r.problems).toEqual([
      expect.objectContaining({
        file: ".fleet/gates/test.md",
        message: expect.stringMatching(/loaded \.fleet\/acceptance\/fleet-doctor\/probe\.accept\.mjs/),
        fix: expect.stringMatching(/uvu: add `-i \.fleet`/),
      }),
    ]);
  });

  it("finds agent CLIs that are not installed and env: variables that are not set", async () => {
    const root = await project({});
    setConfig(root, /^setup: .*$/m, "setup: null");
    const r = await doctor({ cwd: root, deep: true, env: BARE });
    expect(r.problems.map((p) => [p.file, p.field, p.message.split(",")[0]])).toEqual([
      [".fleet/agents/implementer.md", "env.0", "ANTHROPIC_API_KEY is not set in this shell"],
      [".fleet/agents/implementer.md", "runner", "runner claude-code runs `claude`"],
      [".fleet/agents/planner.md", "runner", "runner claude-code runs `claude`"],
      [".fleet/agents/researcher.md", "runner", "runner claude-code runs `claude`"],
      [".fleet/agents/reviewer.md", "runner", "runner claude-code runs `claude`"],
    ]);
    // The project's own copy, as `npm i -D @anthropic-ai/claude-code` leaves it, is found; the key is set.
    mkdirSync(path.join(root, "node_modules", ".bin"), { recursive: true });
    chmodSync(writeFile(root, "node_modules/.bin/claude", "#!/bin/sh\n"), 0o755);
    const fixed = await doctor({ cwd: root, deep: true, env: { ...BARE, ANTHROPIC_API_KEY: "sk-test" } });
    expect(fixed.problems).toEqual([]);
    expect(fixed.deep?.steps[0]?.what).toBe(path.join(root, "node_modules/.bin/claude"));
  });
});
