/**
 * Committing `.fleet/` state without touching anything else of the person's.
 *
 * The commit's tree is HEAD's with only the given `.fleet/` paths replaced by what the work tree holds,
 * built by one `git fast-import` that edits just the trees along those paths (edit-tree.ts: no private
 * index of the whole tree, so building it grows with the folders touched, not with the repository);
 * then `commit-tree`, then `update-ref HEAD new old` — a compare-and-swap that fails if HEAD moved
 * meanwhile. Five git processes in all, the index refresh included. Just before that, the real index entries of
 * just those paths are set to the new commit's (`git reset -q <commit> -- <paths>`), so `git status`
 * stays clean for them and a person's `git commit` racing ours can never drop them. A person's
 * other staged or unstaged changes are never read or written.
 *
 * Commits are serialised per clone by a lock under the git directory, and a step that meets git's own
 * `index.lock` or a ref lock is retried with back-off. When the compare-and-swap finds HEAD moved (a
 * person committed meanwhile), the commit is built again on the new HEAD, up to 20 times. The index refresh is the person's convenience,
 * not state: when a left-behind `index.lock` (index-lock.ts) blocks it, the commit stands, the paths
 * are remembered in `<git-common-dir>/fleet/index-refresh-pending`, and the next commit refreshes them
 * too — trying once, not waiting again, until the lock is gone.
 *
 * A commit asked with `defer` is not made: it waits in deferred-commits.ts for the same task's next
 * commit, which carries its paths and names its event (`Fleet-Carried`).
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { FleetError } from "../errors.js";
import { FLEET_DIR, runtimePaths } from "../store/paths.js";
import {
  addDeferred,
  clearDeferred,
  deferredTasks,
  type PathGroup,
  readDeferred,
} from "./deferred-commits.js";
import { editTree, workTreeEdits } from "./edit-tree.js";
import { withFileLock } from "./file-lock.js";
import type { Repo } from "./repo.js";
import { GitError, git, gitText } from "./run-git.js";
import { type CarriedEvent, type FleetEvent, formatCommitMessage } from "./trailers.js";

/** Who a commit is by; defaults to git's configured identity. */
export interface Identity {
  name: string;
  email: string;
}

/** A commit request: the event (for the message) and the `.fleet/` paths it changes. */
export interface FleetCommit {
  event: FleetEvent;
  /** Paths relative to the work tree root; each must be inside `.fleet/`. Deleted files are included as deletions. */
  paths: readonly string[];
  /** Author and committer; default: the repository's git identity. */
  author?: Identity;
  /**
   * When set, a path of `paths` missing from the work tree is committed as a deletion only if it is
   * one of these or inside one; any other missing path is left as HEAD has it. For commits of files
   * the coordinator just wrote: a person who removed `.fleet/` a moment ago (`rm -rf .fleet && git
   * checkout .fleet`) must not have the task deleted from git by it. Default: every missing path is
   * a deletion.
   */
  mayDelete?: readonly string[];
  /**
   * Do not commit now: keep the event and paths for the task's next commit, which carries them and
   * names this event in a `Fleet-Carried` trailer (deferred-commits.ts). For landings that only hand
   * the task to the next automatic phase. Returns null.
   */
  defer?: boolean;
}

const EMPTY_TREE_OLD = "0000000000000000000000000000000000000000";
const LOCK_BUSY = /index\.lock|cannot lock ref|Unable to create .*\.lock|File exists/i;
/** update-ref's compare-and-swap lost: someone (a person's `git commit`) moved HEAD since we read it. */
const HEAD_MOVED = /is at [0-9a-f]+ but expected [0-9a-f]+/;
/** How many times a commit is built again on a HEAD that moved under it. */
const REBUILDS = 20;
let queue: Promise<unknown> = Promise.resolve();

/** Refuses anything outside `.fleet/`: a commit of ours never carries a person's files. */
function checkPaths(paths: readonly string[]): string[] {
  return paths.map((p) => {
    const norm = path.posix.normalize(p.split(path.sep).join("/"));
    if (norm !== FLEET_DIR && !norm.startsWith(`${FLEET_DIR}/`)) {
      throw new FleetError(
        "invalid",
        `refusing to commit ${JSON.stringify(p)}: fleet commits only contain ${FLEET_DIR}/ paths`,
      );
    }
    return `:(literal)${norm}`;
  });
}

/** Runs `fn`, retrying while git reports a busy lock: up to `attempts` tries, 50 ms doubling to 500 ms apart. */
async function retryBusy<T>(fn: () => Promise<T>, attempts = 40): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof GitError) || !LOCK_BUSY.test(err.stderr) || attempt >= attempts) throw err;
      if (HEAD_MOVED.test(err.stderr)) throw err; // waiting never brings the old HEAD back
      await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** attempt, 500)));
    }
  }
}

/**
 * `git reset -q <commit> -- <specs>` on the person's index, plus the specs an earlier refresh could not do
 * (kept in `pendingFile`). Waits out a busy `index.lock` the first time; once a refresh is pending, tries
 * once. @throws GitError for any failure other than a busy `index.lock`.
 */
async function refreshIndex(
  cwd: string,
  pendingFile: string,
  specs: readonly string[],
  commit: string,
): Promise<void> {
  let pending: string[] = [];
  try {
    pending = readFileSync(pendingFile, "utf8").split("\0").filter(Boolean);
  } catch {
    // nothing pending
  }
  const all = [...new Set([...pending, ...specs])];
  const reset = () => git(["reset", "-q", commit, "--", ...all], { cwd, okCodes: [1] });
  try {
    // git holds index.lock for milliseconds; ~7 s covers a person's `git add` of a large tree.
    await (pending.length > 0 ? reset() : retryBusy(reset, 16));
    if (pending.length > 0) rmSync(pendingFile, { force: true });
  } catch (err) {
    if (!(err instanceof GitError) || !/index\.lock/.test(err.stderr)) throw err;
    writeFileSync(pendingFile, all.join("\0"));
  }
}

async function commitOnce(
  repo: Repo,
  req: FleetCommit,
  carried: readonly PathGroup[],
): Promise<string | null> {
  const groups = [
    { paths: [...req.paths], mayDelete: req.mayDelete ? [...req.mayDelete] : null },
    ...carried,
  ];
  const specs = [...new Set(groups.flatMap((g) => checkPaths(g.paths)))];
  if (specs.length === 0) return null;
  const cwd = repo.root;
  const rt = runtimePaths(repo.commonDir);
  const env: Record<string, string> = {};
  if (req.author) {
    env.GIT_AUTHOR_NAME = req.author.name;
    env.GIT_AUTHOR_EMAIL = req.author.email;
    env.GIT_COMMITTER_NAME = req.author.name;
    env.GIT_COMMITTER_EMAIL = req.author.email;
  }
  const head = await gitText(["rev-parse", "--verify", "-q", "HEAD"], { cwd, okCodes: [1] });
  const deletable = (p: string) =>
    !req.mayDelete || req.mayDelete.some((d) => p === d || p.startsWith(`${d}/`));
  const edits = specs.flatMap((spec) => {
    const p = spec.slice(":(literal)".length);
    return workTreeEdits(cwd, p, deletable(p));
  });
  if (edits.length === 0) return null;
  const { tree, oldTree } = await editTree(cwd, head || null, edits);
  if (head && tree === oldTree) return null;
  const parents = head ? ["-p", head] : [];
  const commit = await gitText(["commit-tree", tree, ...parents, "-F", "-"], {
    cwd,
    env,
    input: formatCommitMessage(req.event),
  });
  const subject = `fleet: ${req.event.task} ${req.event.event}`;
  // The person's index gets the new entries before HEAD moves: a `git commit` of theirs landing just
  // after our update-ref would otherwise be built from the old entries and undo this commit's files.
  await refreshIndex(cwd, path.join(rt.dir, "index-refresh-pending"), specs, commit);
  try {
    await retryBusy(() =>
      git(["update-ref", "-m", subject, "HEAD", commit, head || EMPTY_TREE_OLD], { cwd }),
    );
  } catch (err) {
    // HEAD did not move to our commit: put those index entries back as HEAD has them (best effort).
    await git(["reset", "-q", "HEAD", "--", ...specs], { cwd, okCodes: [1] }).catch(() => {});
    throw err;
  }
  return commit;
}

/**
 * Commits the given `.fleet/` paths as one audit commit on HEAD, with trailers from `req.event`. A
 * deferred commit of the same task (`req.defer` earlier) is carried along: its paths are committed too
 * and its events named in `Fleet-Carried` trailers; with `req.defer`, nothing is committed now.
 * @returns the new commit's sha, or null when the paths held no change (or the commit was deferred).
 * @throws FleetError("invalid") for a path outside `.fleet/`; GitError when git refuses (e.g. HEAD moved
 *   under each of 20 rebuilds); FleetError("locked") when another process
 *   holds the commit lock for over 60 s.
 */
export function commitFleet(repo: Repo, req: FleetCommit): Promise<string | null> {
  const { commonDir } = repo;
  const task = req.event.phase === "fleet" ? null : req.event.task;
  const rebuilding = async () => {
    if (req.defer && task !== null) {
      checkPaths(req.paths);
      await addDeferred(commonDir, req.event, {
        paths: [...req.paths],
        mayDelete: req.mayDelete ? [...req.mayDelete] : null,
      });
      return null;
    }
    const deferred = task !== null ? readDeferred(commonDir, task) : null;
    const same = (c: CarriedEvent) =>
      c.phase === req.event.phase && c.event === req.event.event && c.run === req.event.run;
    const carried = [...(req.event.carried ?? []), ...(deferred?.events ?? []).filter((c) => !same(c))];
    const full: FleetCommit = carried.length ? { ...req, event: { ...req.event, carried } } : req;
    for (let attempt = 1; ; attempt++) {
      try {
        const sha = await commitOnce(repo, full, deferred?.groups ?? []);
        if (deferred && task !== null) clearDeferred(commonDir, task);
        return sha;
      } catch (err) {
        if (!(err instanceof GitError) || !HEAD_MOVED.test(err.stderr) || attempt >= REBUILDS) throw err;
      }
    }
  };
  const run = () =>
    withFileLock(path.join(runtimePaths(commonDir).locks, "commit"), rebuilding, {
      waitMs: 60_000,
      what: "another fleet process committing",
    });
  const next = queue.then(run, run);
  queue = next.catch(() => {});
  return next;
}

/**
 * Commits every deferred commit (of `tasks`, default all) under its first event, carrying the rest:
 * for a daemon that stops, or a task that will not run its next phase soon.
 * @returns the tasks committed. @throws as {@link commitFleet}.
 */
export async function flushDeferred(repo: Repo, tasks?: readonly string[]): Promise<string[]> {
  const done: string[] = [];
  for (const task of tasks ?? deferredTasks(repo.commonDir)) {
    const deferred = readDeferred(repo.commonDir, task);
    const [first] = deferred?.events ?? [];
    if (!deferred || !first) {
      clearDeferred(repo.commonDir, task);
      continue;
    }
    // commitFleet carries the rest itself.
    await commitFleet(repo, {
      event: { task, ...first, ...(deferred.title ? { title: deferred.title } : {}) },
      paths: [],
    });
    done.push(task);
  }
  return done;
}
