/**
 * Advancing the base branch: the one moment a change lands. It is a compare-and-swap
 * (`git update-ref refs/heads/<base> <new> <old>`), so a base branch that moved since the gates ran is
 * never overwritten — the caller rebases and gates again.
 *
 * When the base branch is checked out in a work tree (usually the person's own), moving the ref alone
 * would leave their index and files at the old commit, and `git status` would show our change
 * reversed. So that work tree is brought along — but only for exactly the paths the change touches,
 * and only if none of those paths has anything uncommitted there (staged, unstaged, untracked or
 * ignored, or a file standing where the change needs a folder). Otherwise nothing moves and the caller
 * is told which paths are in the way: a person's work is never overwritten. Their other uncommitted
 * changes, staged or not, stay exactly as they were.
 *
 * The whole step holds the commit lock that `commitFleet` takes, so no audit commit of ours moves the
 * base branch in between. A crash between moving the ref and updating the work tree is finished by
 * recovery from a journal (ship-follow.ts).
 *
 * A left-behind `index.lock` in that work tree (a killed git) would let the ref move but stop the
 * work tree from following — the person's index then holds every shipped file reversed. So while
 * the lock is there the base does not move (`index-locked`: the caller tries again later), and a
 * follow an earlier lock left pending is finished before anything else ships.
 */
import { existsSync, lstatSync } from "node:fs";
import path from "node:path";
import { FleetError } from "../errors.js";
import { failpoint } from "../failpoints/failpoint.js";
import { withFileLock } from "../git/file-lock.js";
import type { Repo } from "../git/repo.js";
import { GitError, git, gitText } from "../git/run-git.js";
import { runtimePaths } from "../store/paths.js";
import {
  clearFollowJournal,
  finishFollow,
  followInWorktree,
  LITERAL,
  worktreeIndexLock,
  writeFollowJournal,
} from "./ship-follow.js";

/** How an advance went. */
export type AdvanceResult =
  | { kind: "advanced"; worktree: string | null }
  /** The base branch is no longer at `from`: rebase onto `now` and gate again. */
  | { kind: "moved"; now: string }
  /** The base branch is checked out at `worktree` with uncommitted changes in the way. */
  | { kind: "dirty"; worktree: string; paths: string[] }
  /** `lock`, the `index.lock` of `worktree` where the base is checked out, stays there: try later. */
  | { kind: "index-locked"; worktree: string; lock: string };

/** How long a present `index.lock` is waited out before the advance gives up for now, ms. */
const INDEX_LOCK_WAIT_MS = 2_000;

/** Waits up to {@link INDEX_LOCK_WAIT_MS} for `lock` to go. @returns true when it is gone. */
async function indexLockGone(lock: string): Promise<boolean> {
  const deadline = Date.now() + INDEX_LOCK_WAIT_MS;
  while (existsSync(lock)) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

/** The work trees that have `refs/heads/<branch>` checked out (absolute paths). */
export async function worktreesOnBranch(repo: Repo, branch: string): Promise<string[]> {
  const out = await git(["worktree", "list", "--porcelain", "-z"], { cwd: repo.root });
  const found: string[] = [];
  let current: string | null = null;
  for (const field of out.stdout.split("\0")) {
    if (field.startsWith("worktree ")) current = field.slice("worktree ".length);
    else if (field === `branch refs/heads/${branch}` && current) found.push(current);
  }
  return found;
}

/** Paths changed from `from` to `to`, split into present-in-`to` and deleted. */
async function diffPaths(
  cwd: string,
  from: string,
  to: string,
): Promise<{ kept: string[]; deleted: string[] }> {
  const out = await git(["diff", "--name-status", "-z", "--no-renames", "--no-ext-diff", from, to, "--"], {
    cwd,
  });
  const fields = out.stdout.split("\0");
  const kept: string[] = [];
  const deleted: string[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const status = fields[i] ?? "";
    const file = fields[i + 1] ?? "";
    if (status === "" || file === "") continue;
    (status.startsWith("D") ? deleted : kept).push(file);
  }
  return { kept, deleted };
}

/**
 * The paths among `kept` + `deleted` that have uncommitted state in `worktree`, plus any parent folder
 * of a kept path that is a file (or link) there but not one the change deletes.
 */
export async function pathsInTheWay(worktree: string, kept: string[], deleted: string[]): Promise<string[]> {
  const all = [...kept, ...deleted];
  if (all.length === 0) return [];
  const entries: string[] = [];
  for (let i = 0; i < all.length; i += 500) {
    const out = await git(
      [
        "status",
        "--porcelain=v1",
        "-z",
        "--untracked-files=all",
        "--ignored=matching",
        "--",
        ...all.slice(i, i + 500),
      ],
      { cwd: worktree, env: LITERAL },
    );
    entries.push(...out.stdout.split("\0"));
  }
  const dirty = new Set<string>();
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] ?? "";
    if (entry.length < 4) continue;
    dirty.add(entry.slice(3));
    if (entry[0] === "R" || entry[0] === "C") i++;
  }
  const deleting = new Set(deleted);
  for (const file of kept) {
    const parts = file.split("/");
    for (let n = 1; n < parts.length; n++) {
      const parent = parts.slice(0, n).join("/");
      if (deleting.has(parent)) continue;
      try {
        if (!lstatSync(path.join(worktree, parent)).isDirectory()) dirty.add(parent);
      } catch {
        break;
      }
    }
  }
  return [...dirty].sort();
}

/**
 * Moves `refs/heads/<base>` from `from` to `to` (a descendant of `from`), bringing along a work tree
 * that has the branch checked out, for the changed paths only. See the module comment.
 * @throws GitError when git fails for another reason than the ref having moved.
 */
export async function advanceBase(
  repo: Repo,
  opts: { base: string; from: string; to: string; reason: string },
): Promise<AdvanceResult> {
  return withCommitLock(repo, () => advanceBaseLocked(repo, opts));
}

/** Runs `fn` holding the clone's commit lock (the one `commitFleet` takes), waiting up to 60 s for it. */
export function withCommitLock<T>(repo: Repo, fn: () => Promise<T>): Promise<T> {
  const lock = path.join(runtimePaths(repo.commonDir).locks, "commit");
  return withFileLock(lock, fn, { waitMs: 60_000, what: "another fleet process committing" });
}

/**
 * {@link advanceBase} for a caller that already holds the commit lock ({@link withCommitLock}).
 * `to` need not descend from `from` (the remote engine moves a base to a replayed tip): only the
 * paths that differ are brought along.
 */
export async function advanceBaseLocked(
  repo: Repo,
  opts: { base: string; from: string; to: string; reason: string },
): Promise<AdvanceResult> {
  const pending = await finishFollow(repo, { wait: false });
  if (pending?.kind === "pending")
    return { kind: "index-locked", worktree: pending.worktree, lock: pending.lock };
  const ref = `refs/heads/${opts.base}`;
  const now = await gitText(["rev-parse", "--verify", "-q", ref], { cwd: repo.root, okCodes: [1] });
  if (now !== opts.from) return { kind: "moved", now };
  const [worktree] = await worktreesOnBranch(repo, opts.base);
  if (worktree) {
    const lock = await worktreeIndexLock(worktree);
    if (!(await indexLockGone(lock))) return { kind: "index-locked", worktree, lock };
  }
  const { kept, deleted } = await diffPaths(repo.root, opts.from, opts.to);
  if (worktree) {
    const blocking = await pathsInTheWay(worktree, kept, deleted);
    if (blocking.length > 0) return { kind: "dirty", worktree, paths: blocking };
  }
  if (worktree)
    await writeFollowJournal(repo, {
      worktree,
      base: opts.base,
      from: opts.from,
      to: opts.to,
      kept,
      deleted,
    });
  try {
    await git(["update-ref", "-m", opts.reason, ref, opts.to, opts.from], { cwd: repo.root });
  } catch (err) {
    clearFollowJournal(repo);
    if (err instanceof GitError) {
      const moved = await gitText(["rev-parse", "--verify", "-q", ref], { cwd: repo.root, okCodes: [1] });
      if (moved !== opts.from) return { kind: "moved", now: moved };
    }
    throw err;
  }
  failpoint("after-base-moved");
  if (worktree) {
    try {
      await followInWorktree(worktree, opts.to, kept, deleted);
      clearFollowJournal(repo);
    } catch (err) {
      // The ship landed; an index.lock that appeared just now leaves the follow pending (journal kept).
      if (err instanceof GitError && /index\.lock/.test(err.stderr)) return { kind: "advanced", worktree };
      throw new FleetError(
        "git",
        `${opts.base} now holds ${opts.to.slice(0, 12)}, but updating the work tree at ${worktree} failed: ${(err as Error).message}`,
        {
          cause: err,
          hint: `There, \`git checkout ${opts.base} -- <paths>\` brings the changed files in line.`,
        },
      );
    }
  }
  return { kind: "advanced", worktree: worktree ?? null };
}
