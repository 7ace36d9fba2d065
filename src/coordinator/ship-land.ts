/**
 * Landing a gated stack of squash commits (one per task: one ship, or a batch) on the base branch:
 * each task's branch is pointed at its squash, then the base branch advances by compare-and-swap
 * (ship-advance.ts). When the base moved meanwhile only by fleet state commits — commits that change
 * nothing outside `.fleet/` and none of the fleet files gates read (ship-cache.ts `gateFingerprint`)
 * — the stack is **re-parented** onto the new tip instead of squashed and gated again: every commit
 * keeps its tree outside `.fleet/` and takes the new tip's `.fleet/`, which is exactly what
 * squashing again would give, and the gates would read the very same files. Anything else that
 * moved the base (code, config, gates, agents, a task's acceptance files, its plan approval) is
 * handed back (`moved`) so the caller squashes and gates again.
 */
import type { Repo } from "../git/repo.js";
import { git, gitText } from "../git/run-git.js";
import { type AdvanceResult, advanceBase } from "./ship-advance.js";
import { gateFingerprint } from "./ship-cache.js";
import { commitTree, moveBranch } from "./ship-merge.js";

/** One task's commit in a stack. */
export interface StackEntry {
  taskId: string;
  /**
   * The task's branch, now at `tip`, to point at `commit` before the base moves (a single ship, so a
   * later try finds the squash it gated); null leaves the branch alone (a batch: see ship-batch.ts).
   */
  branch: { name: string; tip: string; worktree: string | null } | null;
  /** The squash commit of the task's change; the first entry's parent is the base tip. */
  commit: string;
  message: string;
}

/** How landing a stack went: `advanced` carries the stack as it landed (re-parented or not). */
export type LandResult =
  | { kind: "advanced"; stack: StackEntry[]; reparented: number }
  | Exclude<AdvanceResult, { kind: "advanced" }>;

/** Re-parenting rounds before the caller is told the base keeps moving (each is a few git calls). */
const MAX_REPARENTS = 50;

/** The top-level tree entries of `commit` (NUL-separated `ls-tree` lines), `.fleet` apart. */
async function topEntries(repo: Repo, commit: string): Promise<{ code: string[]; fleet: string | null }> {
  const out = await git(["ls-tree", "-z", commit], { cwd: repo.root });
  const entries = out.stdout.split("\0").filter(Boolean);
  return {
    code: entries.filter((e) => !e.endsWith("\t.fleet")),
    fleet: entries.find((e) => e.endsWith("\t.fleet")) ?? null,
  };
}

/** True when `to` descends from `from` and their trees differ only inside `.fleet/`. */
export async function movedByFleetOnly(repo: Repo, from: string, to: string): Promise<boolean> {
  const anc = await git(["merge-base", "--is-ancestor", from, to], { cwd: repo.root, okCodes: [1] });
  if (anc.exitCode !== 0) return false;
  const [a, b] = await Promise.all([topEntries(repo, from), topEntries(repo, to)]);
  return a.code.join("\n") === b.code.join("\n");
}

/**
 * A commit with `commit`'s tree outside `.fleet/`, `parent`'s `.fleet/`, the one parent `parent`
 * and `message`. @returns its sha. @throws GitError when git fails.
 */
export async function reparentOnto(repo: Repo, commit: string, parent: string, message: string) {
  const [mine, theirs] = await Promise.all([topEntries(repo, commit), topEntries(repo, parent)]);
  const entries = [...mine.code, ...(theirs.fleet ? [theirs.fleet] : [])];
  const tree = await gitText(["mktree", "-z"], { cwd: repo.root, input: `${entries.join("\0")}\0` });
  return commitTree(repo, tree, [parent], message);
}

/** True when the gates read the same files at `a` and `b` for every task of `taskIds`. */
async function sameGateInputs(repo: Repo, a: string, b: string, taskIds: readonly string[]) {
  for (const id of taskIds) {
    const [x, y] = await Promise.all([gateFingerprint(repo, a, id), gateFingerprint(repo, b, id)]);
    if (x !== y) return false;
  }
  return true;
}

/**
 * Moves each entry's branch to its commit, then the base branch from `baseTip` to the stack's top,
 * re-parenting over fleet-only moves (see the module comment). `approvalProblem(tip)` is asked at
 * every new tip before re-parenting onto it (a plan approval lives in `.fleet/`); a problem hands
 * the move back to the caller. `note` hears each re-parenting.
 * @throws GitError when git fails unexpectedly.
 */
export async function landStack(
  repo: Repo,
  opts: {
    base: string;
    baseTip: string;
    stack: StackEntry[];
    reason: string;
    approvalProblem?: (tip: string) => Promise<string | null>;
    note?: (detail: string) => void;
  },
): Promise<LandResult> {
  let stack = opts.stack;
  let baseTip = opts.baseTip;
  for (let reparented = 0; ; reparented++) {
    for (const e of stack) {
      if (e.branch && e.branch.tip !== e.commit)
        await moveBranch(repo, e.branch.name, e.branch.tip, e.commit, e.branch.worktree);
    }
    stack = stack.map((e) => (e.branch ? { ...e, branch: { ...e.branch, tip: e.commit } } : e));
    const top = stack.at(-1)?.commit ?? baseTip;
    const advanced = await advanceBase(repo, {
      base: opts.base,
      from: baseTip,
      to: top,
      reason: opts.reason,
    });
    if (advanced.kind === "advanced") return { kind: "advanced", stack, reparented };
    if (advanced.kind !== "moved" || reparented >= MAX_REPARENTS) return advanced;
    const now = advanced.now;
    if (!(await movedByFleetOnly(repo, baseTip, now))) return advanced;
    if (opts.approvalProblem && (await opts.approvalProblem(now))) return advanced;
    const moved: StackEntry[] = [];
    let parent = now;
    for (const e of stack) {
      const commit = await reparentOnto(repo, e.commit, parent, e.message);
      moved.push({ ...e, commit });
      parent = commit;
    }
    const ids = stack.map((e) => e.taskId);
    if (!(await sameGateInputs(repo, top, parent, ids))) return advanced;
    opts.note?.(
      `${opts.base} moved to ${now.slice(0, 12)} by fleet state only; re-parented without gating again`,
    );
    stack = moved;
    baseTip = now;
  }
}
