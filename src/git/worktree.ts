/**
 * The fleet's checkouts: git worktrees under the git directory (design.md §1, §6). A research or plan
 * checkout is detached at the base commit; an implement worktree holds branch `fleet/<id>`. Both are
 * reused when they are sound and rebuilt from git facts (branches and commits) when they are not —
 * never from timers or files of our own. Every call is an argv through {@link git}.
 */
import { existsSync, mkdirSync, realpathSync, rmSync } from "node:fs";
import path from "node:path";
import type { Repo } from "./repo.js";
import { git, gitText } from "./run-git.js";

/** Check files out with one worker per core (git ≥ 2.32; older gits ignore it): halves a 10,000-file checkout here. */
const PARALLEL = ["-c", "checkout.workers=0"];

/** What {@link ensureWorktree} found or made: `fresh` is true when the checkout was (re)built now. */
export interface Checkout {
  dir: string;
  fresh: boolean;
}

/** True when `dir` is the top of a work tree that belongs to `repo`'s common directory. */
async function isOurWorktree(repo: Repo, dir: string): Promise<boolean> {
  if (!existsSync(path.join(dir, ".git"))) return false;
  try {
    const out = await gitText(["rev-parse", "--show-toplevel", "--git-common-dir"], { cwd: dir });
    const [top = "", common = ""] = out.split("\n");
    return (
      realpathSync(top) === realpathSync(dir) &&
      realpathSync(path.resolve(dir, common)) === realpathSync(repo.commonDir)
    );
  } catch {
    return false;
  }
}

/** Removes whatever is at `dir` and forgets worktree records whose folders are gone. */
async function clearDir(repo: Repo, dir: string): Promise<void> {
  verified.delete(dir);
  rmSync(dir, { recursive: true, force: true });
  await git(["worktree", "prune"], { cwd: repo.root });
}

/** True when local branch `branch` exists. */
export async function branchExists(repo: Repo, branch: string): Promise<boolean> {
  const out = await gitText(["rev-parse", "--verify", "-q", `refs/heads/${branch}`], {
    cwd: repo.root,
    okCodes: [1],
  });
  return out !== "";
}

/** Resolves `rev` to a full commit sha. @throws GitError when it names no commit. */
export function resolveCommit(cwd: string, rev: string): Promise<string> {
  return gitText(["rev-parse", "--verify", "-q", `${rev}^{commit}`], { cwd });
}

/** Checkouts this process has already verified as its own (skips a `rev-parse` per reuse). */
const verified = new Set<string>();

/**
 * A checkout at `dir`, detached at `commit`, with no changes: tracked files reset and untracked ones
 * removed (ignored files such as `node_modules/` are kept, so `setup` need not run again).
 * @throws GitError when git refuses.
 */
export async function ensureDetachedCheckout(repo: Repo, dir: string, commit: string): Promise<Checkout> {
  if (verified.has(dir) || (await isOurWorktree(repo, dir))) {
    try {
      // --force discards changes to tracked files, like reset --hard; clean removes untracked ones.
      await git(["checkout", "-q", "--force", "--detach", commit], { cwd: dir });
      await git(["clean", "-q", "-f", "-f", "-d"], { cwd: dir });
      verified.add(dir);
      return { dir, fresh: false };
    } catch (err) {
      if (!verified.delete(dir)) throw err;
      // A slot we knew went bad under us (deleted, corrupted): rebuild it below.
    }
  }
  await clearDir(repo, dir);
  mkdirSync(path.dirname(dir), { recursive: true });
  await git([...PARALLEL, "worktree", "add", "-q", "--force", "--detach", dir, commit], { cwd: repo.root });
  verified.add(dir);
  return { dir, fresh: true };
}

/**
 * The worktree of `branch` at `dir`: reused when sound (reset to the branch's commit, untracked files
 * removed), else rebuilt — on the existing branch if there is one, else on a new branch from `startPoint`.
 * @throws GitError when git refuses (e.g. the branch is checked out in another live worktree).
 */
export async function ensureWorktree(
  repo: Repo,
  dir: string,
  branch: string,
  startPoint: string,
): Promise<Checkout> {
  if (await isOurWorktree(repo, dir)) {
    const head = await gitText(["symbolic-ref", "-q", "--short", "HEAD"], { cwd: dir, okCodes: [1] });
    if (head === branch) {
      await resetWorktree(dir, "HEAD");
      return { dir, fresh: false };
    }
  }
  await clearDir(repo, dir);
  mkdirSync(path.dirname(dir), { recursive: true });
  const args = (await branchExists(repo, branch))
    ? ["worktree", "add", "-q", "--force", dir, branch]
    : ["worktree", "add", "-q", "-b", branch, dir, startPoint];
  await git([...PARALLEL, ...args], { cwd: repo.root });
  return { dir, fresh: true };
}

/** Resets `dir` to `rev` and removes untracked files and folders (not ignored ones). */
export async function resetWorktree(dir: string, rev: string): Promise<void> {
  await git(["reset", "-q", "--hard", rev], { cwd: dir });
  await git(["clean", "-q", "-f", "-f", "-d"], { cwd: dir });
}

/** Removes the worktree at `dir` (its branch stays). Missing = nothing to do. */
export async function removeWorktree(repo: Repo, dir: string): Promise<void> {
  await clearDir(repo, dir);
}

/**
 * Commits everything left in worktree `dir` (tracked, untracked, deletions) as `message`.
 * Hooks never run (`core.hooksPath=/dev/null`, `--no-verify`): the worktree's content is an agent's,
 * and a hook from it would run with the daemon's environment.
 * @returns the new commit, or null when there was nothing to commit.
 * @throws GitError when git refuses.
 */
export async function commitAll(
  dir: string,
  message: string,
  author?: { name: string; email: string },
): Promise<string | null> {
  const env: Record<string, string> = author
    ? {
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_COMMITTER_NAME: author.name,
        GIT_COMMITTER_EMAIL: author.email,
      }
    : {};
  await git(["-c", "core.hooksPath=/dev/null", "add", "-A", "--", "."], { cwd: dir, env });
  const staged = await git(["diff", "--cached", "--quiet"], { cwd: dir, okCodes: [1] });
  if (staged.exitCode === 0) return null;
  await git(
    [
      "-c",
      "core.hooksPath=/dev/null",
      "-c",
      "commit.gpgsign=false",
      "commit",
      "-q",
      "--no-verify",
      "-F",
      "-",
    ],
    {
      cwd: dir,
      env,
      input: message,
    },
  );
  return gitText(["rev-parse", "HEAD"], { cwd: dir });
}
