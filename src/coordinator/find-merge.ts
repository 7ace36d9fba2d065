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
 * `fleet show` says how (README "Ship as a branch for review").
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

function names(stdout: string): string[] {
  return stdout.split("\0").filter(Boolean);
}

/**
 * Looks for task `taskId`'s change (`review.parent..review.commit`) in `baseTip`; see the module comment.
 * At most four git processes. @returns where, or null when the base does not hold it.
 * @throws GitError when git fails unexpectedly.
 */
export async function findMerge(
  repo: Repo,
  taskId: string,
  review: Pick<ReviewBranch, "commit" | "parent">,
  baseTip: string,
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
      // Indented too: `git merge --squash` quotes each message four spaces in.
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
  const diff = ["diff", "--name-only", "-z", "--no-renames", "--no-ext-diff"];
  const changed = names((await git([...diff, review.parent, review.commit, "--"], { cwd })).stdout);
  if (changed.length === 0) return null;
  const differs = new Set(names((await git([...diff, review.commit, baseTip, "--"], { cwd })).stdout));
  if (changed.some((p) => differs.has(p))) return null;
  const last = await git(
    ["log", "-1", "--format=%H", `^${review.parent}`, baseTip, "--", ...changed.slice(0, 500)],
    { cwd, env: LITERAL, okCodes: [128] },
  );
  return { commit: last.stdout.trim() || baseTip, by: "content" };
}
