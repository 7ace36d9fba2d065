/**
 * A real git remote over a real transport for tests: a bare repository served by `git daemon` on
 * 127.0.0.1 (git-daemon(1): --base-path, --export-all, --enable=receive-pack), which can be stopped
 * and started again on the same port to cut the network mid-run.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { afterEach } from "vitest";
import { tempDir } from "../helpers/temp-repo.js";

/** A served bare repository. */
export interface GitRemote {
  /** The bare repository on disk. */
  dir: string;
  /** `git://127.0.0.1:<port>/remote.git` */
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

const running: ChildProcess[] = [];

/**
 * `git daemon` runs `git-daemon` as a child process; killing only the `git` parent leaves that child
 * serving (an orphan). So each daemon is started in its own process group and the whole group is killed.
 */
function killGroup(c: ChildProcess): void {
  try {
    if (c.pid) process.kill(-c.pid, "SIGKILL");
  } catch {
    // gone already
  }
}

afterEach(() => {
  for (const c of running.splice(0)) killGroup(c);
});

/** A free TCP port on 127.0.0.1 (bound and released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Serves an empty bare repository `remote.git` (initial branch `main`) with git daemon. */
export async function gitRemote(): Promise<GitRemote> {
  const base = tempDir("fleet-remote-");
  const dir = path.join(base, "remote.git");
  execFileSync("git", ["init", "-q", "--bare", "-b", "main", dir]);
  const port = await freePort();
  let child: ChildProcess | null = null;
  const url = `git://127.0.0.1:${port}/remote.git`;
  const start = async () => {
    child = spawn(
      "git",
      [
        "daemon",
        "--reuseaddr",
        `--base-path=${base}`,
        "--export-all",
        "--enable=receive-pack",
        "--listen=127.0.0.1",
        `--port=${port}`,
        base,
      ],
      { stdio: "ignore", detached: true },
    );
    running.push(child);
    for (let i = 0; i < 100; i++) {
      try {
        execFileSync("git", ["ls-remote", url], { stdio: "ignore" });
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error(`git daemon did not come up on ${url}`);
  };
  const stop = async () => {
    const c = child as ChildProcess | null;
    if (!c || c.exitCode !== null) return;
    const gone = new Promise((r) => c.once("exit", r));
    killGroup(c);
    await gone;
  };
  await start();
  return { dir, url, start, stop };
}

/** {@link gitRemote}, holding branch `branch` of the clone at `from` (for tests that start from a project). */
export async function gitRemoteOf(from: string, branch = "main"): Promise<GitRemote> {
  const remote = await gitRemote();
  execFileSync("git", ["push", "-q", remote.dir, `${branch}:refs/heads/${branch}`], {
    cwd: from,
    stdio: "pipe",
  });
  return remote;
}
