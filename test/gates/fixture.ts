/** A small real project with `.fleet/` gates and acceptance checks, and helpers to make candidates. */
import { execFileSync } from "node:child_process";
import { type GatesReport, type RunGatesOptions, runGates } from "../../src/gates/run-gates.js";
import { findRepo, type Repo } from "../../src/git/repo.js";
import { type Config, configSchema } from "../../src/store/schemas/config.js";
import { gitOut, tempRepo, writeFile } from "../helpers/temp-repo.js";

export const TASK = "greet-ada";

/** A repo on `main` with a tiny library, its tests, gates `build` and `test`, and acceptance for {@link TASK}. */
export async function gateProject(): Promise<{ root: string; repo: Repo; base: string }> {
  const root = tempRepo();
  writeFile(
    root,
    "package.json",
    `${JSON.stringify({ name: "lib", type: "module", private: true }, null, 2)}\n`,
  );
  writeFile(root, "src/greet.js", `export function greet(name) {\n  return "Hi " + name;\n}\n`);
  writeFile(
    root,
    "test/greet.test.mjs",
    `import { test } from "node:test";\nimport assert from "node:assert/strict";\nimport { greet } from "../src/greet.js";\ntest("greets", () => assert.match(greet("x"), /x/));\n`,
  );
  writeFile(root, ".fleet/config.md", "---\nbase: main\n---\n");
  writeFile(
    root,
    ".fleet/gates/build.md",
    `---\nkind: command\nrun: node -e "import('./src/greet.js').then(() => console.log('built'))"\n---\nBuild.\n`,
  );
  writeFile(root, ".fleet/gates/test.md", "---\nkind: command\nrun: node --test test/\ntimeout: 60s\n---\n");
  writeFile(
    root,
    `.fleet/acceptance/${TASK}.md`,
    `---\ntask: ${TASK}\nchecks:\n  - id: AC1\n    says: "greet('Ada') returns 'Hello, Ada!'"\n    run: node --test .fleet/acceptance/${TASK}/greet.test.mjs\n---\n`,
  );
  writeFile(
    root,
    `.fleet/acceptance/${TASK}/greet.test.mjs`,
    `import { test } from "node:test";\nimport assert from "node:assert/strict";\nimport { greet } from "../../../src/greet.js";\ntest("AC1", () => assert.equal(greet("Ada"), "Hello, Ada!"));\n`,
  );
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "project");
  return { root, repo: await findRepo(root), base: gitOut(root, "rev-parse", "HEAD") };
}

/** Runs git in `cwd` (throws on failure). */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", stdio: "pipe" }).trim();
}

/**
 * Commits `files` (path → content, null = delete) on a new branch from `from` without touching the
 * checked-out work tree, and returns the commit. Uses a throwaway index.
 */
export function commitFiles(
  root: string,
  from: string,
  files: Record<string, string | null>,
  message = "change",
): string {
  const env = { ...process.env, GIT_INDEX_FILE: `${root}/.git/index-fixture` };
  const run = (args: string[], input?: string) =>
    execFileSync("git", args, { cwd: root, env, encoding: "utf8", input, stdio: "pipe" }).trim();
  run(["read-tree", from]);
  for (const [file, content] of Object.entries(files)) {
    if (content === null) run(["rm", "-q", "--cached", "--", file]);
    else {
      const blob = run(["hash-object", "-w", "--stdin"], content);
      run(["update-index", "--add", "--cacheinfo", `100644,${blob},${file}`]);
    }
  }
  const tree = run(["write-tree"]);
  return run(["commit-tree", tree, "-p", from, "-m", message]);
}

/** The correct implementation of the acceptance check. */
export const GOOD_GREET = `export function greet(name) {\n  return \`Hello, \${name}!\`;\n}\n`;

/** A config with overrides. */
export function config(overrides: Record<string, unknown> = {}): Config {
  return configSchema.parse(overrides);
}

/** A candidate that changes only a notes file (nothing any gate looks at). */
export function someChange(root: string, base: string): string {
  return commitFiles(root, base, { "NOTES.md": "a note\n" });
}

/** `runGates` for {@link TASK} in `repo`, with the default {@link config} unless `opts` gives one. */
export function judge(
  repo: Repo,
  opts: Omit<RunGatesOptions, "repo" | "taskId" | "config"> & { config?: Config },
): Promise<GatesReport> {
  return runGates({ repo, taskId: TASK, config: config(), ...opts });
}
