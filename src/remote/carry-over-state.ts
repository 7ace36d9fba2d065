/**
 * Carrying a gated change over fleet state commits: when the base moved from `from` to `tip` only by
 * other tasks' state (their task files, run records, research, plans and acceptance files), the
 * squashed change gated on `from` is re-parented onto `tip` unchanged — its code tree exactly as it
 * was gated, `.fleet/` as `tip` holds it. Anything else that moved (code, config, agents, gates, this
 * task's own plan or acceptance files) means the change must be rebased and gated again.
 *
 * On a shared remote the base moves every few seconds by other machines' state commits; without this
 * every ship would re-gate until it lost the race.
 */
import { reparentOnto } from "../coordinator/ship-land.js";
import type { Repo } from "../git/repo.js";
import { git, gitText } from "../git/run-git.js";

/** Folders of `.fleet/` that hold only per-task state. */
const STATE_DIRS = [
  ".fleet/queue/",
  ".fleet/runs/",
  ".fleet/research/",
  ".fleet/plans/",
  ".fleet/acceptance/",
];

/** True when every path that differs between the trees of `from` and `tip` is another task's state. */
async function onlyOthersState(repo: Repo, id: string, from: string, tip: string): Promise<boolean> {
  const out = await git(["diff-tree", "-r", "-z", "--name-only", "--no-renames", from, tip], {
    cwd: repo.root,
  });
  const own = [
    `.fleet/plans/${id}.md`,
    `.fleet/plans/${id}/`,
    `.fleet/acceptance/${id}/`,
    `.fleet/acceptance/${id}.md`,
  ];
  return out.stdout
    .split("\0")
    .filter(Boolean)
    .every((p) => STATE_DIRS.some((d) => p.startsWith(d)) && !own.some((o) => p === o || p.startsWith(o)));
}

/**
 * Re-parents `commit` (whose parent is `from`) onto `tip` when only other tasks' state moved between.
 * @returns the new commit, or null when the change must be rebased and gated again.
 */
export async function carryOverState(
  repo: Repo,
  id: string,
  commit: string,
  from: string,
  tip: string,
): Promise<string | null> {
  const cwd = repo.root;
  const ancestor =
    (await git(["merge-base", "--is-ancestor", from, tip], { cwd, okCodes: [1] })).exitCode === 0;
  if (!ancestor || !(await onlyOthersState(repo, id, from, tip))) return null;
  // The same re-parenting a local ship does over fleet-only moves (ship-land.ts), message kept.
  const message = await gitText(["show", "-s", "--format=%B", commit], { cwd });
  return reparentOnto(repo, commit, tip, `${message.trimEnd()}\n`);
}
