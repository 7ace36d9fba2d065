/**
 * A project nobody prepared for gitfleet, first try (issue 11): a small library with its own tests, a
 * lock file its `.gitignore` keeps out of git, a test script that scans `.` (`node --test`), the agent
 * CLI only in its `node_modules/.bin`, and a daemon whose PATH has no agent CLI. `fleet init` as it
 * comes; one hand-written idea; the real `claude` CLI against the scripted model server; watch →
 * approve → ship; and the project's own `npm test` green on the base branch after the approval (the
 * acceptance test is committed then) and after the ship.
 *
 * The one thing done by hand is the test harness's, not a user's: the agents' `env:` also passes
 * ANTHROPIC_BASE_URL (the scripted server stands in for the real API) and CLAUDE_CODE_MAX_RETRIES.
 *
 * Colour: the gates' environment is set by docs/gates.md's rules (src/gates/shell.ts `gateEnv`). While
 * it forces NO_COLOR, a project whose own tests need colour is red in every gate; `fleet init` must then
 * say so before any agent runs. The second test asserts exactly that, or — once the gate environment
 * leaves colour alone — that init finds nothing wrong. Which branch runs is decided by `gateEnv` itself.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { gateEnv } from "../../src/gates/shell.js";
import { CLI } from "../helpers/run-fleet.js";
import { gitOut, tempDir, tempRepo, testEnv, writeFile } from "../helpers/temp-repo.js";
import {
  CLAUDE_BIN,
  CLAUDE_ENV_NAMES,
  claudeParentEnv,
  claudeRead,
  workFile as here,
  outputFile as out,
  claudeWrite as write,
} from "../support/agent-clis.js";
import {
  ACCEPTANCE_TEST,
  editFrontmatter,
  expectCode,
  frontmatter,
  GREET,
  GREET_DONE,
  runCli,
} from "../support/fleet-project.js";
import { type ScriptEntry, serveModelPerTest } from "../support/model-server.js";

const ID = "greet-with-comma";
const serve = serveModelPerTest();

/** The system's folders and node: no agent CLI on this PATH. */
const BARE_PATH = `${path.dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`;

/** Colour the way small libraries do it: on unless NO_COLOR, or FORCE_COLOR=0. */
const PAINT = `export function red(text) {
  const off = process.env.NO_COLOR || process.env.FORCE_COLOR === "0";
  return off ? text : "\\u001b[31m" + text + "\\u001b[39m";
}
`;
const PAINT_TEST = `import assert from "node:assert/strict";
import test from "node:test";
import { red } from "../src/paint.js";

test("red wraps the text in colour codes", () => {
  assert.equal(red("x"), "\\u001b[31mx\\u001b[39m");
});
`;

/** A library as people publish it; `colour` adds a test that needs colour on. */
function library(colour: boolean): string {
  const root = tempRepo();
  writeFile(
    root,
    "package.json",
    `${JSON.stringify({ name: "greet", version: "1.0.0", type: "module", scripts: { test: "node --test" } }, null, 2)}\n`,
  );
  writeFile(root, ".gitignore", "node_modules/\npackage-lock.json\n");
  writeFile(root, "src/greet.js", GREET);
  writeFile(
    root,
    "test/greet.test.mjs",
    "import assert from 'node:assert/strict';\nimport test from 'node:test';\nimport { greet } from '../src/greet.js';\n\ntest('greets by name', () => {\n  assert.match(greet('Ada'), /Ada/);\n});\n",
  );
  if (colour) {
    writeFile(root, "src/paint.js", PAINT);
    writeFile(root, "test/paint.test.mjs", PAINT_TEST);
  }
  gitOut(root, "add", "-A");
  gitOut(root, "commit", "-q", "-m", "greet 1.0.0");
  // What `npm install` left in the work tree: a lock file git ignores, the pinned agent CLI.
  writeFile(
    root,
    "package-lock.json",
    `${JSON.stringify({ name: "greet", lockfileVersion: 3, packages: {} })}\n`,
  );
  writeFile(root, "node_modules/.package-lock.json", "{}\n");
  mkdirSync(path.join(root, "node_modules", ".bin"));
  symlinkSync(CLAUDE_BIN, path.join(root, "node_modules", ".bin", "claude"));
  return root;
}

/** The project's own `npm test` in its work tree, as its author runs it. */
function npmTest(root: string): { code: number; output: string } {
  const r = spawnSync("npm", ["test"], {
    cwd: root,
    encoding: "utf8",
    env: { ...testEnv(tempDir("npm-home-")), PATH: BARE_PATH, NO_COLOR: undefined },
  });
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

/** The three claude conversations: research, plan (a test named as planners name them), implement. */
const LIFECYCLE: ScriptEntry[] = [
  (r) => claudeRead(here(r, "src/greet.js")),
  (r) => write(out(r, "research.md"), "# Research\n\n`src/greet.js` returns `'Hello ' + name`.\n"),
  { text: "Research written." },
  (r) => write(out(r, "plan.md"), "# Plan\n\n1. Return `'Hello, ' + name + '!'` in `src/greet.js`.\n"),
  (r) =>
    write(
      out(r, "acceptance.md"),
      `---\nchecks:\n  - id: AC1\n    says: "greet('Ada') returns 'Hello, Ada!'"\n    run: node --test .fleet/acceptance/${ID}/greet.test.mjs\n---\n`,
    ),
  (r) => write(out(r, "acceptance/greet.test.mjs"), ACCEPTANCE_TEST),
  { text: "Plan and acceptance written." },
  (r) => claudeRead(here(r, "src/greet.js")),
  (r) => write(here(r, "src/greet.js"), GREET_DONE),
  { text: "Implemented." },
];

describe("a real project, first try", () => {
  it("goes from fleet init to shipped with the real claude CLI and no fix by hand", {
    timeout: 300_000,
  }, async () => {
    const server = await serve({ anthropic: LIFECYCLE });
    const root = library(false);
    const env = { ...claudeParentEnv(server), PATH: BARE_PATH, NO_COLOR: "1" };
    const fleet = (args: string[]) => runCli(root, args, env);

    const init = expectCode(await fleet(["init"]), 0, "fleet init");
    expect(init.stdout).toContain(
      "setup: npm install — git tracks no lock file (package-lock.json is only in your work tree)",
    );
    expect(init.stdout).toMatch(/agents: runner claude-code — `claude` found in node_modules\/\.bin/);
    expect(init.stdout).toMatch(/ok {3}setup: npm install/);
    expect(init.stdout).toMatch(/ok {3}gate test: npm run test/);
    expect(init.stdout).toMatch(/no problems\./);
    expect(frontmatter(root, ".fleet/config.md")).toMatchObject({ setup: "npm install" });
    // The harness's stand-in for the real API (see the module comment); nothing else is changed.
    for (const name of ["researcher", "planner", "implementer", "reviewer"])
      editFrontmatter(root, `.fleet/agents/${name}.md`, (a) => ({ ...a, env: CLAUDE_ENV_NAMES }));
    gitOut(root, "commit", "-q", "-am", "agents: talk to the test's model server");

    expectCode(
      await fleet([
        "idea",
        "Greet with a comma",
        "--id",
        ID,
        "--ready",
        "-m",
        "greet('Ada') should say 'Hello, Ada!'.",
      ]),
      0,
      "fleet idea",
    );
    const planned = expectCode(await fleet(["run", "--until-idle"]), 7, "fleet run (research, plan)");
    expect(planned.stdout).toMatch(/your turn: fleet approve greet-with-comma/);
    expectCode(await fleet(["approve", "greet-w"]), 0, "fleet approve (by prefix)");
    // The acceptance test is on main now, red until the task ships — and the project's own test run,
    // which scans `.`, does not load it.
    expect(gitOut(root, "ls-tree", "-r", "--name-only", "main", `.fleet/acceptance/${ID}`)).toBe(
      `.fleet/acceptance/${ID}/greet.accept.mjs`,
    );
    const afterApprove = npmTest(root);
    expect(afterApprove.code, afterApprove.output).toBe(0);
    expect(afterApprove.output).toMatch(/# pass 1\n/);

    expectCode(await fleet(["run", "--until-idle"]), 0, "fleet run (implement, ship)");
    expect(frontmatter(root, `.fleet/queue/${ID}.md`)).toMatchObject({ phase: "done" });
    expect(gitOut(root, "show", "main:src/greet.js")).toBe(GREET_DONE.trimEnd());
    expect(server.exhausted).toBe(0);
    const afterShip = npmTest(root);
    expect(afterShip.code, afterShip.output).toBe(0);
    // And the acceptance check itself passes on main, run as its `run:` line says.
    execFileSync(process.execPath, ["--test", `.fleet/acceptance/${ID}/greet.accept.mjs`], { cwd: root });
  });

  it("has fleet init say, before any agent runs, whether the gates can pass the project's colour tests", async () => {
    const root = library(true);
    const env = { ...testEnv(tempDir("fleet-home-")), PATH: BARE_PATH, ANTHROPIC_API_KEY: "sk-test" };
    expect(npmTest(root).code).toBe(0); // green for its author, on a terminal or not
    const r = spawnSync(process.execPath, [CLI, "init", "--json"], { cwd: root, env, encoding: "utf8" });
    const report = JSON.parse(r.stdout) as {
      doctor: { problems: { file: string; message: string; fix: string }[] };
    };
    const gates = gateEnv({});
    const colourOff = gates.NO_COLOR !== undefined || gates.FORCE_COLOR === "0";
    if (colourOff) {
      expect(r.status).toBe(1);
      expect(report.doctor.problems).toEqual([
        expect.objectContaining({
          file: ".fleet/gates/test.md",
          message: expect.stringMatching(
            /^fails with no change at all, in a clean checkout of main[\s\S]*red wraps the text in colour codes/,
          ),
          fix: expect.stringMatching(/colours/),
        }),
      ]);
    } else {
      expect(r.status, r.stdout).toBe(0);
      expect(report.doctor.problems).toEqual([]);
    }
  });
});
