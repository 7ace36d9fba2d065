/**
 * The merge queue of one (design.md §2 "ship"): the task's branch is squashed onto the current base
 * tip, the ship gates judge that commit, and the base branch advances by compare-and-swap. If the base
 * moved meanwhile only by fleet state commits, the gated change is re-parented onto the new tip without
 * squashing or gating again (ship-land.ts); if code moved, it is rebased again — and gated again, unless
 * what landed in between changed nothing the gates read (ship-cache.ts). A
 * conflict goes back to implement with the conflicting paths; a person's uncommitted work in the way
 * makes the ship wait, saying why.
 *
 * Ships are scheduled one at a time by `decide()` (lifecycle/ship-queue.ts); a lock under the git
 * directory is kept as a guard against a second fleet process, and is never waited on for long.
 * Everything here is decided from git facts, so a crash at any point is finished by the next run: a
 * squash commit of this task already on the base branch means it shipped.
 */

import path from "node:path";
import { FleetError } from "../errors.js";
import { changedPaths } from "../gates/refusals.js";
import { type GateRunner, runGates } from "../gates/run-gates.js";
import { removeClone } from "../git/clone.js";
import { withFileLock } from "../git/file-lock.js";
import type { Repo } from "../git/repo.js";
import { gitText } from "../git/run-git.js";
import { formatCommitMessage } from "../git/trailers.js";
import { addCosts, zeroCost } from "../lifecycle/cost.js";
import type { RemoteSession } from "../remote/remote-session.js";
import { assertValidId } from "../store/ids.js";
import { runtimePaths } from "../store/paths.js";
import type { Cost } from "../store/schemas/common.js";
import type { Config } from "../store/schemas/config.js";
import type { Gate } from "../store/schemas/gate.js";
import type { ReviewBranch } from "../store/schemas/review-branch.js";
import type { GateResult } from "../store/schemas/run.js";
import type { Task } from "../store/schemas/task.js";
import { taskRuntime } from "./runtime-dirs.js";
import { worktreesOnBranch } from "./ship-advance.js";
import { shipAsBranch } from "./ship-branch.js";
import { findGatePass, forgetGatePass, rememberGatePass } from "./ship-cache.js";
import { type LandResult, landStack } from "./ship-land.js";
import { commitTree, holdsJudgedChange, moveBranch, squashOnto } from "./ship-merge.js";
import { shipHoldReason } from "./ship-review.js";
import { testsHoldReason } from "./ship-tests-hold.js";

/** What a ship needs. */
export interface ShipInput {
  repo: Repo;
  config: Config;
  task: Task;
  /** Names the gate logs (`<seq>-ship`). */
  label: string;
  /**
   * The commit the implement gates passed (the last implement run that finished), or null when no run
   * record names one. The branch must still hold exactly that change (see `holdsJudgedChange`).
   */
  judged: string | null;
  /**
   * Why the plan approval does not cover the acceptance files at `commit` (each base tip the ship
   * gates run with), or null; checked before every round of ship gates. Default: never a problem.
   */
  approvalProblem?: (commit: string) => Promise<string | null>;
  /** True when the change already has a current ship approval (see `hasShipApproval`). */
  shipApproved: boolean;
  agentGate?: GateRunner | undefined;
  /** Gate definitions by name (the job's definitions commit); default: runGates' own. */
  gates?: Map<string, Gate> | undefined;
  parentEnv: NodeJS.ProcessEnv;
  signal?: AbortSignal | undefined;
  onSpawn?: ((pgid: number) => void) | undefined;
  /** With `remote:` set: the base advances on the remote, under this job's claim (src/remote). */
  remote?: RemoteSession | null | undefined;
  /** Progress lines for the daemon's log ("gating", "base moved, rebasing"). */
  note?: (detail: string) => void;
}

/**
 * How a ship ended, with `cost`: what the ship gates' agents (the reviewer) spent over every round.
 * `gates` are the results of the last gate run (empty when none ran). `waiting` with `retryAfterMs`:
 * a gate's agent was rate limited and asked for that wait (ms).
 */
export type ShipOutcome = ShipEnd & { cost: Cost };

/** How a ship ended, before the cost is added. */
export type ShipEnd =
  | {
      kind: "shipped";
      commit: string;
      gates: GateResult[];
      rounds: number;
      already?: true;
      /** Times the gated change was re-parented over fleet-only moves of the base (ship-land.ts). */
      reparented?: number;
      /** The other tasks of its batch that shipped with it (ship-batch.ts). */
      batch?: string[];
    }
  /** `ship.mode: branch`: the change waits on branch `review.branch` for a person to merge it. */
  | { kind: "pushed"; review: ReviewBranch; gates: GateResult[]; rounds: number }
  | { kind: "held"; reason: string }
  | { kind: "conflict"; paths: string[]; reason: string; feedback: string }
  | { kind: "failed"; outcome: "failed" | "rejected"; reason: string; feedback: string; gates: GateResult[] }
  | { kind: "blocked"; reason: string; gates: GateResult[] }
  | { kind: "waiting"; reason: string; gates: GateResult[]; retryAfterMs?: number | null }
  | { kind: "interrupted"; reason: string; gates: GateResult[] };

/** Rebase-and-gate rounds before giving up for now on a base branch that keeps moving. */
const MAX_ROUNDS = 8;

/** The message of the squashed commit: the title, then trailers naming the task. */
export function mergedMessage(task: Task): string {
  return formatCommitMessage({
    task: task.id,
    phase: "ship",
    event: "merged",
    title: task.title,
    body: `The change of fleet task ${task.id}, squashed from branch fleet/${task.id}.\nPlan: .fleet/plans/${task.id}.md`,
  });
}

/** The squash commit of `taskId` already on `base`, or null. */
export async function findShippedCommit(repo: Repo, base: string, taskId: string): Promise<string | null> {
  const out = await gitText(
    [
      "log",
      "-1",
      "--format=%H",
      "--all-match",
      `--grep=^Fleet-Task: ${assertValidId(taskId)}$`,
      "--grep=^Fleet-Event: merged$",
      `refs/heads/${base}`,
      "--",
    ],
    { cwd: repo.root, okCodes: [128] },
  );
  return out === "" ? null : out;
}

/**
 * Removes the task's clone, its agents' private HOME and its branch once its change is on the base
 * branch (and worktrees of the branch that older versions of gitfleet made). Best effort.
 */
export async function cleanUpShipped(repo: Repo, taskId: string): Promise<void> {
  const branch = `fleet/${taskId}`;
  removeClone(taskRuntime(repo.commonDir, taskId).clone);
  removeClone(path.join(runtimePaths(repo.commonDir).work, "homes", assertValidId(taskId)));
  for (const dir of await worktreesOnBranch(repo, branch)) {
    await gitText(["worktree", "remove", "--force", "--force", dir], { cwd: repo.root }).catch(() => {});
  }
  await gitText(["worktree", "prune"], { cwd: repo.root }).catch(() => {});
  await gitText(["update-ref", "-d", `refs/heads/${branch}`], { cwd: repo.root }).catch(() => {});
}

async function refOf(repo: Repo, ref: string): Promise<string | null> {
  const out = await gitText(["rev-parse", "--verify", "-q", ref], { cwd: repo.root, okCodes: [1] });
  return out === "" ? null : out;
}

/** How long a ship waits for the ship lock, ms: only another fleet process can hold it (see below). */
const SHIP_LOCK_WAIT_MS = 2_000;

/**
 * Runs `fn` holding the ship lock (`<git-common-dir>/fleet/locks/ship`). `decide()` never starts two
 * ships in one process, so the lock is only held by another fleet process shipping in the same clone:
 * then nothing waits for it inside a slot — the ship is handed back as `waiting` (try again later).
 * @throws what `fn` throws.
 */
export async function withShipLock<T>(
  repo: Repo,
  fn: () => Promise<T>,
): Promise<T | { kind: "waiting"; reason: string; gates: GateResult[] }> {
  const lock = path.join(runtimePaths(repo.commonDir).locks, "ship");
  try {
    return await withFileLock(lock, fn, { waitMs: SHIP_LOCK_WAIT_MS, what: "another ship" });
  } catch (err) {
    if (!(err instanceof FleetError) || err.code !== "locked") throw err;
    return { kind: "waiting", reason: `another fleet process is shipping here (${err.message})`, gates: [] };
  }
}

/**
 * Ships `input.task`: see the module comment. Holds the ship lock for its whole duration.
 * @throws GitError only when git fails unexpectedly (a corrupt repository, a full disk).
 */
export async function shipTask(input: ShipInput): Promise<ShipOutcome> {
  const spent = { cost: zeroCost() };
  const end = await withShipLock(input.repo, () => shipLocked(input, spent));
  return { ...end, cost: spent.cost };
}

/**
 * {@link shipTask}'s work, for a caller that already holds the ship lock (a batch bisecting down to
 * one change). Adds what the gates' agents spent to `spent.cost`.
 */
export const shipOneLocked = (input: ShipInput, spent: { cost: Cost }): Promise<ShipEnd> =>
  shipLocked(input, spent);

async function shipLocked(input: ShipInput, spent: { cost: Cost }): Promise<ShipEnd> {
  const { repo, config, task } = input;
  const note = input.note ?? (() => {});
  const base = config.base;
  const branch = `fleet/${task.id}`;
  const already = await findShippedCommit(repo, base, task.id);
  if (already) {
    await cleanUpShipped(repo, task.id);
    return { kind: "shipped", commit: already, gates: [], rounds: 0 };
  }
  const branchTip = await refOf(repo, `refs/heads/${branch}`);
  if (!branchTip)
    return { kind: "blocked", reason: `branch ${branch} does not exist: nothing to ship`, gates: [] };
  let tip: string = branchTip;
  const moved = await movedSinceGates(repo, branch, tip, input.judged);
  if (moved) return moved;
  const firstTip = await refOf(repo, `refs/heads/${base}`);
  if (!firstTip) return { kind: "blocked", reason: `the base branch ${base} does not exist`, gates: [] };
  let baseTip: string = firstTip;
  const [worktree = null] = await worktreesOnBranch(repo, branch);
  let gates: GateResult[] = [];

  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const squash = await squashOnto(repo, { branchTip: tip, baseTip, message: mergedMessage(task) });
    if (squash.kind === "conflict") {
      const merge = await commitTree(
        repo,
        squash.tree,
        [tip, baseTip],
        conflictMessage(task, base, squash.paths),
      );
      await moveBranch(repo, branch, tip, merge, worktree);
      const list = squash.paths.join(", ");
      return {
        kind: "conflict",
        paths: squash.paths,
        reason: `rebasing onto ${base} conflicts in ${list}`,
        feedback: `Shipping stopped: your change conflicts with what landed on ${base} since you started, in:\n${squash.paths.map((p) => `- ${p}`).join("\n")}\n\n${squash.messages}\n\n${base} has been merged into your branch with the conflicts marked (<<<<<<< ======= >>>>>>>) in those files. Resolve them so both changes hold, and remove every marker.`,
      };
    }
    if (squash.empty) {
      // The branch changed files, and none of it is new on top of the base: the change is already
      // there (another task, or a person, landed it). Done, without spending an attempt.
      const forkPoint = await gitText(["merge-base", tip, baseTip], { cwd: repo.root, okCodes: [1] });
      if (forkPoint && (await changedPaths(repo.root, forkPoint, tip)).length > 0) {
        await cleanUpShipped(repo, task.id);
        return { kind: "shipped", commit: baseTip, gates: [], rounds: round, already: true };
      }
      return {
        kind: "failed",
        outcome: "failed",
        reason: `the change is empty on top of ${base}: nothing to ship`,
        feedback: `Your branch makes no change on top of the current ${base}. Make the change the plan describes.`,
        gates: [],
      };
    }
    const changed = await changedPaths(repo.root, baseTip, squash.commit);
    const hold =
      shipHoldReason(config.review.ship, changed) ??
      (await testsHoldReason(repo, config.review.tests, baseTip, squash.commit));
    if (hold && !input.shipApproved)
      return { kind: "held", reason: `waits for \`fleet approve ${task.id}\`: ${hold}` };

    const unapproved = await input.approvalProblem?.(baseTip);
    if (unapproved) return { kind: "blocked", reason: unapproved, gates };
    const passed = await findGatePass(repo, task.id, squash.commit, config.gates.ship);
    if (passed) {
      if (gates.length === 0) gates = passed.results;
    } else {
      note(`ship gates (${config.gates.ship.join(", ") || "none"}) on ${squash.commit.slice(0, 12)}`);
      const report = await runGates({
        repo,
        taskId: task.id,
        names: config.gates.ship,
        config,
        candidate: squash.commit,
        base: baseTip,
        label: round === 1 ? input.label : `${input.label}-${round}`,
        agentGate: input.agentGate,
        ...(input.gates ? { gates: input.gates } : {}),
        parentEnv: input.parentEnv,
        signal: input.signal,
        onSpawn: input.onSpawn,
      });
      gates = report.results;
      spent.cost = addCosts(spent.cost, report.cost);
      const reason = report.reason ?? "a ship gate did not pass";
      if (report.outcome === "interrupted") return { kind: "interrupted", reason, gates };
      if (report.outcome === "try-later")
        return { kind: "waiting", reason, gates, retryAfterMs: report.retryAfterMs };
      if (report.outcome === "error") return { kind: "blocked", reason, gates };
      if (report.outcome !== "passed") {
        return {
          kind: "failed",
          outcome: report.outcome === "refused" ? "rejected" : "failed",
          reason: `at ship: ${reason}`,
          feedback: `The ship gates ran on your change rebased onto the current ${base}.\n\n${report.feedback ?? reason}`,
          gates,
        };
      }
      rememberGatePass(repo, task.id, { judged: squash.commit, names: config.gates.ship, results: gates });
    }

    if (config.ship.mode === "branch") {
      // For review: the gated squash is offered as fleet/<id> instead of advancing the base.
      const branchWas = tip;
      await moveBranch(repo, branch, tip, squash.commit, worktree);
      tip = squash.commit;
      const offered = await shipAsBranch({
        repo,
        config,
        task,
        commit: tip,
        parent: baseTip,
        branchWas,
        env: input.parentEnv,
      });
      return offered.kind === "pushed" ? { ...offered, gates, rounds: round } : { ...offered, gates };
    }
    let advanced: Exclude<LandResult, { kind: "advanced" }>;
    if (input.remote) {
      // With a remote the base advances there, under this job's claim (src/remote): other tasks'
      // state moving the base meanwhile is carried over there too.
      await moveBranch(repo, branch, tip, squash.commit, worktree);
      tip = squash.commit;
      let pushed: Awaited<ReturnType<RemoteSession["pushShip"]>>;
      try {
        pushed = await input.remote.pushShip(task.id, baseTip, squash.commit, `fleet: ship ${task.id}`);
      } catch (err) {
        // The remote did not answer or this clone cannot follow it yet: the change is gated; try later.
        if (!(err instanceof FleetError)) throw err;
        return { kind: "waiting", reason: `waiting for the remote: ${err.message}`, gates };
      }
      if (pushed.kind === "fenced")
        return {
          kind: "interrupted",
          reason: "another machine took the task over (its claim on the remote is newer)",
          gates,
        };
      if (pushed.kind === "advanced") {
        await cleanUpShipped(repo, task.id);
        forgetGatePass(repo, task.id);
        const carried = (pushed as { commit?: string }).commit;
        return { kind: "shipped", commit: carried ?? squash.commit, gates, rounds: round };
      }
      advanced = pushed;
    } else {
      const landed = await landStack(repo, {
        base,
        baseTip,
        stack: [
          {
            taskId: task.id,
            branch: { name: branch, tip, worktree },
            commit: squash.commit,
            message: mergedMessage(task),
          },
        ],
        reason: `fleet: ship ${task.id}`,
        approvalProblem: async (at) => (await input.approvalProblem?.(at)) ?? null,
        note,
      });
      if (landed.kind === "advanced") {
        await cleanUpShipped(repo, task.id);
        forgetGatePass(repo, task.id);
        const commit = landed.stack[0]?.commit ?? squash.commit;
        return { kind: "shipped", commit, gates, rounds: round, reparented: landed.reparented };
      }
      tip = (await refOf(repo, `refs/heads/${branch}`)) ?? squash.commit;
      advanced = landed;
    }
    if (advanced.kind === "dirty") {
      const list = advanced.paths.join(", ");
      return {
        kind: "waiting",
        reason: `waiting: ${base} is checked out in ${advanced.worktree} with uncommitted changes to ${list}, which this change also changes; commit or stash them there and the change ships`,
        gates,
      };
    }
    if (advanced.kind === "index-locked") {
      return {
        kind: "waiting",
        reason: `waiting: ${advanced.lock} is there (a git command that was killed leaves it), so the work tree at ${advanced.worktree} cannot follow ${base}; remove it if no git command runs there, and the change ships`,
        gates,
      };
    }
    note(`${base} moved to ${advanced.now.slice(0, 12)} while the gates ran; rebasing`);
    baseTip = advanced.now;
  }
  return {
    kind: "waiting",
    reason: `${base} kept moving during ${MAX_ROUNDS} rebases; trying again later`,
    gates,
  };
}

/** A failure back to implement when `tip` is not the change the implement gates passed, else null. */
async function movedSinceGates(
  repo: Repo,
  branch: string,
  tip: string,
  judged: string | null,
): Promise<ShipEnd | null> {
  if (judged && (await holdsJudgedChange(repo, tip, judged))) return null;
  const reason = judged
    ? `${branch} is at ${tip.slice(0, 12)}, not at ${judged.slice(0, 12)} where the implement gates passed: it moved after them`
    : `no implement run records the commit its gates passed for ${branch}`;
  return {
    kind: "failed",
    outcome: "rejected",
    reason: `at ship: ${reason}`,
    feedback: `Shipping stopped: ${reason}. Only the commit the implement gates judged can ship; the gates judge the branch again.`,
    gates: [],
  };
}

function conflictMessage(task: Task, base: string, paths: readonly string[]): string {
  return formatCommitMessage({
    task: task.id,
    phase: "ship",
    event: "conflict",
    title: task.title,
    body: `Merge ${base} into fleet/${task.id}; conflicts left marked in:\n${paths.join("\n")}`,
  });
}
