/** Temporary git repositories for tests: each has its own identity and an isolated HOME. */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach } from "vitest";
import { agentWorkDir } from "../../src/store/paths.js";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Environment for git and the CLI in tests: no user config, a fixed identity, no colour. */
export function testEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    LANG: "C",
    NO_COLOR: "1",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: undefined,
    GIT_COMMITTER_NAME: undefined,
  };
}

/** A fresh temp directory removed after the test. */
export function tempDir(prefix = "fleet-test-"): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
  made.push(dir);
  return dir;
}

/** A temp git repo on branch `main` with user Ada and one initial commit (README.md). Returns its root. */
export function tempRepo(): string {
  const dir = tempDir();
  const run = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "pipe" });
  run("init", "-q", "-b", "main");
  run("config", "user.name", "Ada Lovelace");
  run("config", "user.email", "ada@example.com");
  run("config", "commit.gpgsign", "false");
  writeFileSync(path.join(dir, "README.md"), "# sample\n");
  run("add", "README.md");
  run("commit", "-q", "-m", "initial");
  made.push(agentWorkDir(path.join(dir, ".git"))); // the fleet's agent work area for this clone
  return dir;
}

/** Runs git in `cwd` and returns trimmed stdout. */
export function gitOut(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8" }).trim();
}

/** Writes `content` to `rel` under `root`, creating folders. */
export function writeFile(root: string, rel: string, content: string): string {
  const abs = path.join(root, rel);
  mkdirSync(path.dirname(abs), { recursive: true });
  writeFileSync(abs, content);
  return abs;
}
