/**
 * Whether a base tip holds a review branch's change (`ship.mode: branch`), decided from git objects:
 * a person, a forge's merge button or its merge queue may merge, squash or rebase it, so the commit id
 * alone does not tell. In order (the first that holds wins):
 *
 * 1. `ancestor`: the pushed commit itself is reachable from the base tip (a merge commit, a fast-forward);
 * 2. `trailer`: a commit on the base since the change's parent carries both `Fleet-Task: <id>` and
 *    `Fleet-Event: merged` lines — the message we wrote, which squash and rebase merges keep (GitHub's
 *    squash of several commits lists every message, so this holds for a branch a person added commits
 *    to: a merge "with edits");
 * 3. `content`: for every path the change touched, the base tip holds exactly the change's version
 *    (same blob, or absent where the change deleted it) — a squash whose message was rewritten.
 *
 * A change merged with edits *and* a rewritten message is not recognised: the task waits, and
 * `fleet show` says how (docs/gates.md "Ship as a branch for review").
 *
 * {@link findMerge} looks at the whole range since the change's parent; {@link findMergeSince} looks
 * only at what a {@link BaseDelta} brought since a base tip already looked at, so a tick where the base
 * moved costs a few git processes for every awaiting task together, not a few per task.
 */
import type { Repo } from "../git/repo.js";
import { git } from "../git/run-git.js";
import type { MergedBy } from "../lifecycle/await-merge.js";
import { assertValidId } from "../store/ids.js";
import type { ReviewBranch } from "../store/schemas/review-branch.js";
import { LITERAL } from "./ship-follow.js";

/** Where the base holds the change, and how that was seen. */
export interface FoundMerge {
  /** The base commit that brought the change (for `content`, the last one that touched its paths). */
  commit: string;
  by: MergedBy;
}

/** What the base gained from `from` to `to`: its new commits (newest first) and the paths that differ. */
export interface BaseDelta {
  from: string;
  to: string;
  commits: { sha: string; message: string }[];
  paths: ReadonlySet<string>;
}

type Review = Pick<ReviewBranch, "commit" | "parent">;

const DIFF = ["diff", "--name-only", "-z", "--no-renames", "--no-ext-diff"];

function names(stdout: string): string[] {
  return stdout.split("\0").filter(Boolean);
}

/** True when `message` has both lines naming `taskId`'s squashed change (indented too, as `merge --squash` quotes). */
export function namesMergedChange(message: string, taskId: string): boolean {
  const lines = message.split("\n").map((l) => l.trim());
  return lines.includes(`Fleet-Task: ${taskId}`) && lines.includes("Fleet-Event: merged");
}

/** The paths the change touches (`parent..commit`). @throws GitError when git fails. */
export async function changedPathsOf(repo: Repo, review: Review): Promise<string[]> {
  return names((await git([...DIFF, review.parent, review.commit, "--"], { cwd: repo.root })).stdout);
}

/** `content`: the base tip holds exactly the change's version of every path in `changed`. */
async function holdsContent(
  repo: Repo,
  review: Review,
  baseTip: string,
  changed: string[],
): Promise<boolean> {
  if (changed.length === 0) return false;
  const differs = new Set(
    names((await git([...DIFF, review.commit, baseTip, "--"], { cwd: repo.root })).stdout),
  );
  return !changed.some((p) => differs.has(p));
}

/** The last commit in `since..baseTip` that touched `changed` (where a content merge landed), else `baseTip`. */
async function lastTouching(repo: Repo, since: string, baseTip: string, changed: string[]): Promise<string> {
  const last = await git(["log", "-1", "--format=%H", `^${since}`, baseTip, "--", ...changed.slice(0, 500)], {
    cwd: repo.root,
    env: LITERAL,
    okCodes: [128],
  });
  return last.stdout.trim() || baseTip;
}

/**
 * Looks for task `taskId`'s change (`review.parent..review.commit`, touching `changed`) in `baseTip`
 * over the whole range since its parent; see the module comment. At most four git processes.
 * @returns where, or null when the base does not hold it. @throws GitError when git fails unexpectedly.
 */
export async function findMerge(
  repo: Repo,
  taskId: string,
  review: Review,
  baseTip: string,
  changed: string[],
): Promise<FoundMerge | null> {
  const cwd = repo.root;
  const ancestor = await git(["merge-base", "--is-ancestor", review.commit, baseTip], {
    cwd,
    okCodes: [1, 128],
  });
  if (ancestor.exitCode === 0) return { commit: review.commit, by: "ancestor" };
  const trailer = await git(
    [
      "log",
      "-1",
      "--format=%H",
      "--all-match",
      `--grep=^[[:space:]]*Fleet-Task: ${assertValidId(taskId)}[[:space:]]*$`,
      "--grep=^[[:space:]]*Fleet-Event: merged[[:space:]]*$",
      `^${review.parent}`,
      baseTip,
      "--",
    ],
    { cwd, okCodes: [128] },
  );
  const byTrailer = trailer.stdout.trim();
  if (trailer.exitCode === 0 && byTrailer !== "") return { commit: byTrailer, by: "trailer" };
  if (!(await holdsContent(repo, review, baseTip, changed))) return null;
  return { commit: await lastTouching(repo, review.parent, baseTip, changed), by: "content" };
}

/**
 * What the base gained from `from` to `to`: two git processes (log, diff), or one when `from` is not an
 * ancestor of `to` (the base was rewritten): then null, and each task needs {@link findMerge}.
 * @throws GitError when git fails unexpectedly.
 */
export async function baseDelta(repo: Repo, from: string, to: string): Promise<BaseDelta | null> {
  const cwd = repo.root;
  const log = await git(["log", "--format=%H%x00%B%x00", `${from}..${to}`, "--"], {
    cwd,
    okCodes: [128],
  });
  if (log.exitCode !== 0) return null;
  const fields = log.stdout.split("\0");
  const commits: BaseDelta["commits"] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const sha = (fields[i] ?? "").trim();
    if (/^[0-9a-f]{40}$/.test(sha)) commits.push({ sha, message: fields[i + 1] ?? "" });
  }
  const ancestor = await git(["merge-base", "--is-ancestor", from, to], { cwd, okCodes: [1, 128] });
  if (ancestor.exitCode !== 0) return null;
  const paths = new Set(names((await git([...DIFF, from, to, "--"], { cwd })).stdout));
  return { from, to, commits, paths };
}

/**
 * Like {@link findMerge}, for a change already known not to be in `delta.from`: looks only at what
 * `delta` brought. No git process unless the delta touched the change's paths (then one or two).
 * @throws GitError when git fails unexpectedly.
 */
export async function findMergeSince(
  repo: Repo,
  taskId: string,
  review: Review,
  changed: string[],
  delta: BaseDelta,
): Promise<FoundMerge | null> {
  if (delta.commits.some((c) => c.sha === review.commit)) return { commit: review.commit, by: "ancestor" };
  const named = delta.commits.find((c) => namesMergedChange(c.message, taskId));
  if (named) return { commit: named.sha, by: "trailer" };
  if (!changed.some((p) => delta.paths.has(p))) return null;
  if (!(await holdsContent(repo, review, delta.to, changed))) return null;
  return { commit: await lastTouching(repo, delta.from, delta.to, changed), by: "content" };
}
