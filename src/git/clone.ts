/**
 * The fleet's checkouts are clones of their own (design.md §3): each has its own refs, config, index
 * and hooks, and borrows the person's objects read-only through `objects/info/alternates` — never a
 * `git worktree`, which would share the person's refs, hooks and config with whatever runs in it.
 *
 * Two kinds, by who may write their `.git`:
 * - **sealed** (research, plan, gates): the sandbox shows `.git` read-only, so the coordinator's own
 *   (hardened) git may keep using it: reset, clean, diff.
 * - **open** (implement): the agent commits, so its `.git` is the agent's. The coordinator's git never
 *   runs there again; every step in it (reset, commit of leftovers, bundling the result) runs in the
 *   sandbox, and the result comes out as data — a bundle, fetched with `transfer.fsckObjects`,
 *   checked to descend from where the attempt started, and only then pointed at by `fleet/<id>`.
 */
import { randomBytes } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { spawnProcess } from "../agents/spawn.js";
import type { SandboxSpec } from "../sandbox/index.js";
import type { Repo } from "./repo.js";
import { GitError, git, gitEnv, gitText, HARDENED_CONFIG } from "./run-git.js";

/** Check files out with one worker per core (git ≥ 2.32; older gits ignore it). */
const PARALLEL = ["-c", "checkout.workers=0"];
const SHA = /^[0-9a-f]{40}$/;

/** A checkout the fleet made or reused: `fresh` when (re)built now (setup must run in it). */
export interface Checkout {
  dir: string;
  fresh: boolean;
}

/** True when local branch `branch` exists in the person's clone. */
export async function branchExists(repo: Repo, branch: string): Promise<boolean> {
  const out = await gitText(["rev-parse", "--verify", "-q", `refs/heads/${branch}`], {
    cwd: repo.root,
    okCodes: [1],
  });
  return out !== "";
}

/** Resolves `rev` to a full commit sha. @throws GitError when it names no commit. */
export async function resolveCommit(cwd: string, rev: string): Promise<string> {
  if (SHA.test(rev)) return rev;
  return gitText(["rev-parse", "--verify", "-q", "--end-of-options", `${rev}^{commit}`], { cwd });
}

/** The alternates line a clone of `repo` carries: the person's object store. */
function alternatesOf(repo: Repo): string {
  return path.join(repo.commonDir, "objects");
}

/** True when `dir` is a clone this module made for `repo` (its `.git` a folder borrowing `repo`'s objects). */
function isOurClone(repo: Repo, dir: string): boolean {
  try {
    if (!lstatSync(path.join(dir, ".git")).isDirectory()) return false;
    const alt = readFileSync(path.join(dir, ".git", "objects", "info", "alternates"), "utf8");
    return alt.trim() === alternatesOf(repo);
  } catch {
    return false;
  }
}

/**
 * Makes an empty clone at `dir` (whatever was there is removed): `git init` without templates (no
 * sample hooks) and an alternates file naming the person's object store. ≈ 5 ms.
 */
export async function initClone(repo: Repo, dir: string): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.dirname(dir), { recursive: true });
  await git(["init", "-q", "--template=", dir], { cwd: path.dirname(dir) });
  const info = path.join(dir, ".git", "objects", "info");
  mkdirSync(info, { recursive: true });
  writeFileSync(path.join(info, "alternates"), `${alternatesOf(repo)}\n`);
}

/**
 * A sealed clone at `dir` detached at `commit` with no changes: tracked files reset, untracked ones
 * removed (ignored ones such as `node_modules/` kept, so `setup` need not run again). Reused when it is
 * one of ours, else rebuilt. Only for clones whose `.git` no sandboxed process could write.
 * @throws GitError when git refuses.
 */
export async function ensureSealedClone(repo: Repo, dir: string, commit: string): Promise<Checkout> {
  const sha = await resolveCommit(repo.root, commit);
  if (isOurClone(repo, dir)) {
    try {
      await git([...PARALLEL, "checkout", "-q", "--force", "--detach", sha], { cwd: dir });
      await git(["clean", "-q", "-f", "-f", "-d"], { cwd: dir });
      return { dir, fresh: false };
    } catch {
      // A clone gone bad under us (files deleted, index corrupt): rebuild it below.
    }
  }
  await initClone(repo, dir);
  await git([...PARALLEL, "checkout", "-q", "--force", "--detach", sha], { cwd: dir });
  return { dir, fresh: true };
}

/** Runs `git <args>` inside `sandbox` (or uncontained when null), in `dir`; its output goes to `logFile`. */
export type ContainedGit = (args: readonly string[], extraEnv?: Record<string, string>) => Promise<boolean>;

/**
 * A {@link ContainedGit} for the open clone `dir`: each call is one sandboxed process (`writable`
 * folders besides `dir`), with the hardened settings given on the command line as well.
 */
export function containedGit(
  dir: string,
  opts: { sandbox: SandboxSpec | null; logFile: string; signal?: AbortSignal; parentEnv?: NodeJS.ProcessEnv },
): ContainedGit {
  const hardened = HARDENED_CONFIG.flatMap(([k, v]) => ["-c", `${k}=${v}`]);
  return async (args, extraEnv = {}) => {
    const r = await spawnProcess({
      argv: ["git", ...hardened, ...args],
      cwd: dir,
      env: gitEnv(extraEnv, opts.parentEnv),
      logFile: opts.logFile,
      logHeader: `fleet: git ${args.slice(0, 2).join(" ")} in the task's clone`,
      timeoutMs: 10 * 60_000,
      sandbox: opts.sandbox,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    return r.exitCode === 0 && !r.timedOut && !r.aborted;
  };
}

/**
 * The open clone of task branch `branch` at `dir`, on local branch `branch` at `at` (the person's
 * `refs/heads/<branch>` or, when there is none yet, the start point), with no changes. A clone that
 * exists is reset by `run` (sandboxed: its `.git` is the agent's); one that cannot be reset is rebuilt.
 * @throws GitError when git refuses to build a fresh one.
 */
export async function ensureOpenClone(
  repo: Repo,
  dir: string,
  branch: string,
  at: string,
  run: ContainedGit,
): Promise<Checkout> {
  const sha = await resolveCommit(repo.root, at);
  if (existsSync(path.join(dir, ".git"))) {
    const reset =
      (await run([...PARALLEL, "checkout", "-q", "--force", "-B", branch, sha])) &&
      (await run(["clean", "-q", "-f", "-f", "-d"]));
    if (reset) return { dir, fresh: false };
  }
  await initClone(repo, dir);
  await git([...PARALLEL, "checkout", "-q", "--force", "-B", branch, sha], { cwd: dir });
  return { dir, fresh: true };
}

/** Why an open clone's result was refused; the attempt fails with this reason. */
export class ResultRefused extends Error {}

/**
 * Takes the result of an attempt out of an open clone as data (`opts.run` runs git in it, sandboxed,
 * with a scratch folder writable): commits what the agent left
 * (sandboxed, as `author`, no hooks), bundles `HEAD` minus `start` into a fresh folder (sandboxed),
 * fetches the bundle into the person's clone with `transfer.fsckObjects`, checks the commit descends
 * from `start`, and moves `refs/heads/<branch>` to it (compare-and-swap against `expected`, the value the
 * attempt started from, or creation when null).
 * @returns the new head commit, or `start` when the agent changed nothing.
 * @throws ResultRefused when the clone cannot be committed or bundled, or the result is not acceptable;
 *   GitError when the person's clone refuses the fetch or the ref move.
 */
export async function takeResult(
  repo: Repo,
  opts: {
    branch: string;
    start: string;
    expected: string | null;
    message: string;
    author: { name: string; email: string };
    run: (writable: string) => ContainedGit;
    scratchRoot: string;
  },
): Promise<string> {
  const scratch = path.join(opts.scratchRoot, `result-${randomBytes(6).toString("hex")}`);
  mkdirSync(scratch, { recursive: true });
  try {
    const run = opts.run(scratch);
    const who = {
      GIT_AUTHOR_NAME: opts.author.name,
      GIT_AUTHOR_EMAIL: opts.author.email,
      GIT_COMMITTER_NAME: opts.author.name,
      GIT_COMMITTER_EMAIL: opts.author.email,
    };
    const messageFile = path.join(scratch, "message");
    writeFileSync(messageFile, opts.message);
    if (!(await run(["add", "-A", "--", "."], who)))
      throw new ResultRefused("the fleet could not stage what the agent left in its clone");
    const staged = await run(["diff", "--cached", "--quiet"], who);
    if (!staged && !(await run(["commit", "-q", "--no-verify", "--no-gpg-sign", "-F", messageFile], who)))
      throw new ResultRefused("the fleet could not commit what the agent left in its clone");
    const bundle = path.join(scratch, "result.bundle");
    const bundled = await run(["bundle", "create", "-q", bundle, "HEAD", "--not", opts.start]);
    if (!bundled || !existsSync(bundle)) return opts.start; // git refuses an empty bundle: HEAD adds nothing
    return await fetchResult(repo, bundle, opts);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function fetchResult(
  repo: Repo,
  bundle: string,
  opts: { branch: string; start: string; expected: string | null },
): Promise<string> {
  const st = lstatSync(bundle);
  if (!st.isFile() || st.nlink > 1) throw new ResultRefused("the result bundle is not a plain file");
  const heads = await git(["bundle", "list-heads", bundle], { cwd: repo.root, okCodes: [128] });
  const line = heads.stdout.trim().split("\n");
  const head = line.length === 1 ? /^([0-9a-f]{40}) HEAD$/.exec(line[0] ?? "")?.[1] : undefined;
  if (heads.exitCode !== 0 || !head) throw new ResultRefused("the agent's clone gave no readable result");
  const incoming = `refs/fleet/incoming/${opts.branch.replace(/^fleet\//, "")}`;
  try {
    await git(
      [
        "-c",
        "transfer.fsckObjects=true",
        "fetch",
        "-q",
        "--no-tags",
        "--no-write-fetch-head",
        bundle,
        `+HEAD:${incoming}`,
      ],
      { cwd: repo.root },
    );
  } catch (err) {
    const said = err instanceof GitError ? err.stderr.trim().split("\n").slice(-2).join(" ") : String(err);
    throw new ResultRefused(`the agent's commits were refused by git's object checks: ${said}`);
  }
  try {
    const type = await gitText(["cat-file", "-t", head], { cwd: repo.root });
    if (type !== "commit") throw new ResultRefused(`the agent's HEAD is a ${type}, not a commit`);
    const descends = await git(["merge-base", "--is-ancestor", opts.start, head], {
      cwd: repo.root,
      okCodes: [1],
    });
    if (descends.exitCode !== 0)
      throw new ResultRefused(
        `the agent's commit ${head.slice(0, 12)} does not build on ${opts.start.slice(0, 12)}, where the attempt started`,
      );
    const ref = `refs/heads/${opts.branch}`;
    await git(["update-ref", "-m", "fleet: attempt result", ref, head, opts.expected ?? ""], {
      cwd: repo.root,
    });
    return head;
  } finally {
    await git(["update-ref", "-d", incoming], { cwd: repo.root }).catch(() => {});
  }
}

/** Removes a clone. Missing = nothing to do; never runs git in it. */
export function removeClone(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
