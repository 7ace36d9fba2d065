/**
 * Bringing a work tree along when the base branch it has checked out advances, and finishing that
 * after a crash. Moving the ref and updating the work tree are two steps; a daemon killed between them
 * would leave the person's index and files at the old commit under the new HEAD, so `git status` shows
 * the shipped change reversed — and a `git commit -a` would undo it. So before the ref moves, a journal
 * `<git-common-dir>/fleet/ship-follow.json` records the work tree, both commits and the paths; it is
 * removed once the work tree has followed. Recovery finishes a journal it finds — but only where the
 * person has not touched those paths since (they still match the old commit in index and work tree);
 * otherwise it leaves them alone and says exactly what to run.
 *
 * A follow that a left-behind `index.lock` (a killed git) stops is kept pending, not given up: the
 * journal stays, and the next ship, reconcile or restart finishes it once the lock is gone — also
 * after fleet's own audit commits moved the base on, as long as they did not touch those paths.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { withFileLock } from "../git/file-lock.js";
import type { Repo } from "../git/repo.js";
import { GitError, git, gitText } from "../git/run-git.js";
import { writeFileAtomically } from "../store/atomic-write.js";
import { runtimePaths } from "../store/paths.js";

/** Paths are data, never pathspec magic: `:(exclude)x` in a file name stays a file name. */
export const LITERAL = { GIT_LITERAL_PATHSPECS: "1" };
/** NUL-terminated paths for `--pathspec-from-file=- --pathspec-file-nul`. */
export const literal = (paths: readonly string[]) => `${paths.join("\0")}\0`;
const FROM_STDIN = ["--pathspec-from-file=-", "--pathspec-file-nul"];

/** One pending follow: `worktree` has `base` checked out, which moves from `from` to `to`. */
export interface FollowJournal {
  worktree: string;
  base: string;
  from: string;
  to: string;
  /** Paths the change adds or modifies, and paths it deletes (relative to the work tree). */
  kept: string[];
  deleted: string[];
}

const journalFile = (repo: Repo) => path.join(runtimePaths(repo.commonDir).dir, "ship-follow.json");

/** Records a follow about to happen (atomically, before the ref moves). */
export async function writeFollowJournal(repo: Repo, journal: FollowJournal): Promise<void> {
  await writeFileAtomically(journalFile(repo), `${JSON.stringify(journal, null, 2)}\n`);
}

/** True when a follow is pending (a crash or an `index.lock` cut it short). */
export function hasFollowJournal(repo: Repo): boolean {
  return existsSync(journalFile(repo));
}

/**
 * Finishes a pending follow, holding the commit lock (so no ship or audit commit moves the base
 * meanwhile) and without waiting on a busy `index.lock`. Cheap when none is pending.
 * @returns what happened, or null when nothing was pending.
 */
export async function finishPendingFollow(repo: Repo): Promise<FollowRecovery | null> {
  if (!hasFollowJournal(repo)) return null;
  return withFileLock(path.join(runtimePaths(repo.commonDir).locks, "commit"), () =>
    finishFollow(repo, { wait: false }),
  );
}

/** Removes the journal: the follow is done, or the ref never moved. */
export function clearFollowJournal(repo: Repo): void {
  rmSync(journalFile(repo), { force: true });
}

/** Runs `fn`, retrying for up to ~10 s while the person's own git holds `index.lock`. */
async function whileIndexBusy<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof GitError) || !/index\.lock/.test(err.stderr) || attempt >= 40) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Brings `worktree`'s index and files to `to` for exactly the changed paths. */
export async function followInWorktree(
  worktree: string,
  to: string,
  kept: string[],
  deleted: string[],
): Promise<void> {
  const opts = (paths: string[]) => ({ cwd: worktree, input: literal(paths), env: LITERAL });
  if (deleted.length > 0) {
    await whileIndexBusy(() => git(["rm", "-q", "-f", "--ignore-unmatch", ...FROM_STDIN], opts(deleted)));
  }
  if (kept.length > 0) await whileIndexBusy(() => git(["checkout", to, ...FROM_STDIN], opts(kept)));
}

/** What recovery did with a follow journal. */
export type FollowRecovery =
  | { kind: "followed"; worktree: string; paths: number }
  /** `lock` (the work tree's `index.lock`) is in the way: the journal stays, to finish later. */
  | { kind: "pending"; worktree: string; lock: string }
  /** The person changed those paths since (or the branch moved on): left alone, with what to run. */
  | { kind: "left"; worktree: string; advice: string };

/** True when index and work tree of `worktree` still hold `commit`'s version of every path. */
async function untouchedSince(worktree: string, commit: string, paths: string[]): Promise<boolean> {
  // `git diff` takes no --pathspec-from-file: pass the paths as arguments, 500 at a time.
  for (let i = 0; i < paths.length; i += 500) {
    const chunk = paths.slice(i, i + 500);
    for (const cached of [["--cached"], []]) {
      const r = await git(["diff", "--quiet", "--no-ext-diff", ...cached, commit, "--", ...chunk], {
        cwd: worktree,
        env: LITERAL,
        okCodes: [1],
      });
      if (r.exitCode !== 0) return false;
    }
  }
  return true;
}

/** The absolute path of `worktree`'s `index.lock`. */
export async function worktreeIndexLock(worktree: string): Promise<string> {
  const rel = await gitText(["rev-parse", "--git-path", "index.lock"], { cwd: worktree });
  return path.resolve(worktree, rel);
}

/** True when `tip` is `to` or descends from it through commits that leave every path of `paths` alone. */
async function onlyOtherPathsSince(
  worktree: string,
  to: string,
  tip: string,
  paths: string[],
): Promise<boolean> {
  if (tip === to) return true;
  const anc = await git(["merge-base", "--is-ancestor", to, tip], { cwd: worktree, okCodes: [1] });
  if (anc.exitCode !== 0) return false;
  for (let i = 0; i < paths.length; i += 500) {
    const r = await git(["diff", "--quiet", "--no-ext-diff", to, tip, "--", ...paths.slice(i, i + 500)], {
      cwd: worktree,
      env: LITERAL,
      okCodes: [1],
    });
    if (r.exitCode !== 0) return false;
  }
  return true;
}

/**
 * Finishes a follow a crash or an `index.lock` cut short (see the module comment). Call it during
 * recovery before anything commits, and before a ship moves the base. `wait: false` does not wait out
 * a busy `index.lock` (a reconcile must not stall): the follow is then `pending`.
 * @returns null when there was no journal, or when the ref never moved.
 * @throws GitError when git fails for another reason than a busy index.
 */
export async function finishFollow(
  repo: Repo,
  opts: { wait?: boolean } = {},
): Promise<FollowRecovery | null> {
  let journal: FollowJournal;
  try {
    journal = JSON.parse(readFileSync(journalFile(repo), "utf8")) as FollowJournal;
  } catch {
    clearFollowJournal(repo); // none, or torn before the ref moved (it is written atomically)
    return null;
  }
  const { worktree, base, from, to, kept, deleted } = journal;
  const tip = await gitText(["rev-parse", "--verify", "-q", `refs/heads/${base}`], {
    cwd: repo.root,
    okCodes: [1],
  });
  const head = await gitText(["rev-parse", "--verify", "-q", "HEAD"], { cwd: worktree, okCodes: [1, 128] });
  const all = [...kept, ...deleted];
  if (tip === from || all.length === 0) {
    clearFollowJournal(repo);
    return null;
  }
  if (
    tip !== "" &&
    head === tip &&
    (await onlyOtherPathsSince(worktree, to, tip, all)) &&
    (await untouchedSince(worktree, from, all))
  ) {
    const lock = await worktreeIndexLock(worktree);
    if (opts.wait === false && existsSync(lock)) return { kind: "pending", worktree, lock };
    try {
      await followInWorktree(worktree, to, kept, deleted);
    } catch (err) {
      if (err instanceof GitError && /index\.lock/.test(err.stderr))
        return { kind: "pending", worktree, lock };
      throw err;
    }
    clearFollowJournal(repo);
    return { kind: "followed", worktree, paths: all.length };
  }
  clearFollowJournal(repo);
  const list = all.length > 5 ? `${all.slice(0, 5).join(" ")} …` : all.join(" ");
  return {
    kind: "left",
    worktree,
    advice: `a crash interrupted bringing ${worktree} along when ${base} advanced to ${to.slice(0, 12)}; those paths were changed since, so they were left alone. Check \`git status\` there: if a change shows ${list} reverted, \`git checkout ${to.slice(0, 12)} -- <paths>\` restores what shipped.`,
  };
}
