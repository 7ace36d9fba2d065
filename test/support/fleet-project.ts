/**
 * A small project for lifecycle tests with real agent CLIs: `src/greet.js`, a test the project already
 * has, `.fleet/` from `fleet init` with the three agents switched to a real runner, and helpers to run
 * the built `fleet` CLI with the daemon environment the agents need (the model server's URL, the key).
 */
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { stringifyFrontmatter } from "../../src/store/frontmatter.js";
import { parseText } from "../../src/store/read-file.js";
import { CLI } from "../helpers/run-fleet.js";
import { gitOut, tempDir, tempRepo, testEnv, writeFile } from "../helpers/temp-repo.js";

export const GREET = "export function greet(name) {\n  return 'Hello ' + name;\n}\n";
export const GREET_DONE = "export function greet(name) {\n  return 'Hello, ' + name + '!';\n}\n";
/** The acceptance test a planner hands in: fails on GREET, passes on GREET_DONE. */
export const ACCEPTANCE_TEST =
  "import assert from 'node:assert/strict';\nimport test from 'node:test';\nimport { greet } from '../../../src/greet.js';\n\ntest('greets Ada with a comma', () => {\n  assert.equal(greet('Ada'), 'Hello, Ada!');\n});\n";

/** What one `fleet` run printed. */
export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI without blocking this process (the model server answers from it), killing it
 * after `timeoutMs`.
 */
export function runCli(
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 180_000,
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString("utf8");
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
    });
    const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** A project with `.fleet/` whose researcher, planner and implementer use `agent` (frontmatter fields). */
export function makeProject(agent: Record<string, unknown>): {
  root: string;
  fleet: (args: string[], env?: NodeJS.ProcessEnv) => Promise<Ran>;
} {
  const root = tempRepo();
  writeFile(
    root,
    "package.json",
    `${JSON.stringify({ name: "greet", type: "module", scripts: { test: "node --test test/" } }, null, 2)}\n`,
  );
  writeFile(root, "src/greet.js", GREET);
  writeFile(
    root,
    "test/greet.test.mjs",
    "import assert from 'node:assert/strict';\nimport test from 'node:test';\nimport { greet } from '../src/greet.js';\n\ntest('greets by name', () => {\n  assert.match(greet('Ada'), /Ada/);\n});\n",
  );
  gitOut(root, "add", "-A");
  gitOut(root, "commit", "-q", "-m", "greet");
  const home = tempDir("fleet-home-");
  const fleet = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runCli(root, args, { ...testEnv(home), ...env });
  const init = spawnSync(process.execPath, [CLI, "init", "--no-check"], {
    cwd: root,
    env: testEnv(home),
    encoding: "utf8",
  });
  if (init.status !== 0) throw new Error(`fleet init failed: ${init.stderr}`);
  editFrontmatter(root, ".fleet/config.md", (c) => ({ ...c, setup: null }));
  for (const name of ["researcher", "planner", "implementer"]) {
    editFrontmatter(root, `.fleet/agents/${name}.md`, (a) => ({ ...a, ...agent }));
  }
  gitOut(root, "commit", "-q", "-am", "agents use the real CLI");
  return { root, fleet };
}

/** Rewrites the frontmatter of `rel` under `root` with `change`, keeping the body. */
export function editFrontmatter(
  root: string,
  rel: string,
  change: (data: Record<string, unknown>) => Record<string, unknown>,
): void {
  const parsed = parseText(rel, readFileSync(path.join(root, rel), "utf8"));
  if (!parsed.ok) throw new Error(`${rel} does not parse`);
  writeFile(root, rel, stringifyFrontmatter(change(parsed.data as Record<string, unknown>), parsed.body));
}

/** The frontmatter of `rel` under `root`. */
export function frontmatter(root: string, rel: string): Record<string, unknown> {
  const parsed = parseText(rel, readFileSync(path.join(root, rel), "utf8"));
  if (!parsed.ok) throw new Error(`${rel} does not parse`);
  return parsed.data as Record<string, unknown>;
}

/** `fleet` with a readable failure: throws with both streams when the exit code is not `expected`. */
export function expectCode(r: Ran, expected: number, what: string): Ran {
  if (r.code !== expected) {
    throw new Error(
      `${what} exited ${r.code}, expected ${expected}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`,
    );
  }
  return r;
}

/** The run records of task `id`, in order, as frontmatter. */
export function runRecords(root: string, id: string): Record<string, unknown>[] {
  return readdirSync(path.join(root, ".fleet/runs", id))
    .sort()
    .map((f) => frontmatter(root, `.fleet/runs/${id}/${f}`));
}

/** The `result` event of a claude transcript (`log` relative to the git common dir), as JSON. */
export function transcriptResult(root: string, logRel: string): Record<string, unknown> {
  const common = path.resolve(root, gitOut(root, "rev-parse", "--git-common-dir"));
  const line = readFileSync(path.join(common, logRel), "utf8")
    .split("\n")
    .find((l) => l.startsWith('{"type":"result"'));
  if (!line) throw new Error(`no result event in ${logRel}`);
  return JSON.parse(line) as Record<string, unknown>;
}
