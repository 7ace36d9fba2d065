/**
 * `ship / awaiting-merge` (config.md `ship.mode: branch`): what seeing the review branch merged, gone or
 * back does to the task. Pure: the caller (coordinator/await-merge.ts) finds the facts in git.
 */
import type { Task } from "../store/schemas/task.js";

/** How the base was seen to hold the change; see `shipped.merged_by` in the task schema. */
export type MergedBy = "ancestor" | "trailer" | "content";

/** True when `task` waits for its review branch to be merged. */
export function isAwaitingMerge(task: Pick<Task, "phase" | "status">): boolean {
  return task.phase === "ship" && task.status === "awaiting-merge";
}

/** The merged task: `done / ready` with `shipped: { commit, at, merged_by }`; `at` is an ISO timestamp. */
export function markMerged(task: Task, commit: string, by: MergedBy, at: string): Task {
  return {
    ...task,
    phase: "done",
    status: "ready",
    reason: null,
    shipped: { commit, at, merged_by: by },
    updated: at,
  };
}

/**
 * The task whose review branch is gone (`gone` = an ISO timestamp) or back (`gone` = null) while the base
 * does not hold the change. It stays `ship / awaiting-merge`; `reason` says what a person can do.
 */
export function markBranchGone(task: Task, gone: string | null, where: string, base: string): Task {
  if (!task.review_branch) return task;
  const reason =
    gone === null
      ? null
      : `${task.review_branch.branch} is gone from ${where} and ${base} does not hold the change (deleted without merging, or its pull request closed): \`fleet retry ${task.id}\` pushes it again, \`fleet drop ${task.id} -m "…"\` gives it up`;
  return { ...task, reason, review_branch: { ...task.review_branch, gone }, updated: gone ?? task.updated };
}
