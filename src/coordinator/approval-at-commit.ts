/**
 * The plan approval checked against exactly the files that will run: the plan, the acceptance file,
 * every file under `acceptance/<id>/` and the proposed children under `plans/<id>/` as they are in one commit — the commit whose `.fleet/` the
 * acceptance gate restores (the base branch's tip) — not as they are in the person's work tree.
 * Those files are read from git's objects (`withFleetFilesAt`) and hashed by the same code as
 * `fleet approve`.
 */
import { readApprovalInputs } from "../commands/approval-inputs.js";
import type { Repo } from "../git/repo.js";
import { gitText } from "../git/run-git.js";
import { approvalState } from "../lifecycle/approval-hash.js";
import { assertValidId } from "../store/ids.js";
import { fleetPaths } from "../store/paths.js";
import { withFleetFilesAt } from "./fleet-at-commit.js";

/** Why the approval does not cover the files at a commit, and which of them changed since it. */
export interface ApprovalAtCommitProblem {
  reason: string;
  /** Covered paths that differ between the last approval commit and the commit used (may be empty). */
  paths: string[];
}

/** The paths an approval of `id` covers, relative to the repository root. */
export function approvalPaths(id: string): string[] {
  const safe = assertValidId(id);
  return [
    `.fleet/plans/${safe}.md`,
    `.fleet/plans/${safe}/`,
    `.fleet/acceptance/${safe}.md`,
    `.fleet/acceptance/${safe}/`,
  ];
}

/** The last `approved` audit commit of `id` reachable from `commit`, or null. */
async function lastApprovalCommit(repo: Repo, commit: string, id: string): Promise<string | null> {
  const out = await gitText(
    [
      "log",
      "-1",
      "--format=%H",
      "--all-match",
      `--grep=^Fleet-Task: ${assertValidId(id)}$`,
      "--grep=^Fleet-Event: approved$",
      commit,
      "--",
    ],
    { cwd: repo.root, okCodes: [128] },
  );
  return out === "" ? null : out;
}

/** Covered paths that differ between `from` and `to` (all covered paths present at `to` when `from` is null). */
async function changedCovered(repo: Repo, from: string | null, to: string, id: string): Promise<string[]> {
  const args = from
    ? ["diff", "--name-only", "--no-renames", from, to, "--", ...approvalPaths(id)]
    : ["ls-tree", "-r", "--name-only", to, "--", ...approvalPaths(id)];
  const out = await gitText(args, { cwd: repo.root, env: { GIT_LITERAL_PATHSPECS: "1" } });
  return out === "" ? [] : out.split("\n");
}

/**
 * Checks task `id`'s plan approval against its files at `commit` (a full sha).
 * @returns null when the plan at `commit` carries an approval whose hash matches plan + acceptance +
 *   check files at `commit`; otherwise the reason and the covered paths changed since the approval.
 * @throws GitError when `commit` is not a commit of `repo`.
 */
export async function approvalProblemAt(
  repo: Repo,
  commit: string,
  id: string,
): Promise<ApprovalAtCommitProblem | null> {
  const inputs = await withFleetFilesAt(repo, commit, approvalPaths(id), (root) =>
    readApprovalInputs(fleetPaths(root), id),
  );
  const at = commit.slice(0, 12);
  if (inputs.sha256 === null) {
    const paths = await changedCovered(repo, null, commit, id);
    return { reason: `the plan or acceptance of ${id} is missing or invalid at ${at}`, paths };
  }
  const state = approvalState(inputs.plan?.record.approval, inputs.sha256);
  if (state === "valid") return null;
  const approved = await lastApprovalCommit(repo, commit, id);
  const paths = await changedCovered(repo, approved, commit, id);
  const where = paths.length > 0 ? `: ${paths.join(", ")}` : "";
  return {
    reason:
      state === "none"
        ? `the plan of ${id} has no approval at ${at}`
        : `the plan or acceptance of ${id} at ${at} is not what was approved${where}: \`fleet approve ${id}\` again`,
    paths,
  };
}
