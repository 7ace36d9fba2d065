/**
 * A bisecting merge queue (config.md `ship: { batch: N }`): several gated changes, whose `touches`
 * do not overlap (decide() picks them), are squashed onto the base tip one on top of the other — one
 * commit per task, each made like a single ship's — and the ship gates judge the top of that stack
 * once, running every member's acceptance checks. Passed: the base branch advances to the top in one
 * compare-and-swap (ship-land.ts), so it holds exactly the tree that passed. Failed: the stack is cut
 * in two halves, each settled the same way on the base as it then is (the first half may have shipped
 * meanwhile); a half of one change is an ordinary ship (ship-task.ts), so the bad change is found,
 * gated alone, and goes back to implement with its own gate failure as feedback, like any failed ship.
 *
 * A change that cannot join the stack (it conflicts, changes nothing, is held by `review.ship` or
 * `review.tests`, or its plan approval does not hold at the base tip) is settled as a single ship,
 * which gives it the outcome a ship of its own gives. Intermediate commits of a stack are not gated
 * on their own: the base branch only ever points at a tree the gates passed.
 */
import { changedPaths } from "../gates/refusals.js";
import { runGates } from "../gates/run-gates.js";
import { gitText } from "../git/run-git.js";
import { addCosts, zeroCost } from "../lifecycle/cost.js";
import type { Cost } from "../store/schemas/common.js";
import { landStack, type StackEntry } from "./ship-land.js";
import { holdsJudgedChange, squashOnto } from "./ship-merge.js";
import { shipHoldReason } from "./ship-review.js";
import {
  cleanUpShipped,
  findShippedCommit,
  mergedMessage,
  type ShipEnd,
  type ShipInput,
  type ShipOutcome,
  shipOneLocked,
  withShipLock,
} from "./ship-task.js";
import { testsHoldReason } from "./ship-tests-hold.js";

/** Rounds of stacking and gating a group before it waits, when code keeps landing on the base. */
const MAX_ROUNDS = 8;

interface Member {
  input: ShipInput;
  spent: { cost: Cost };
}

/** What one batch needs: its members in queue order (the first is the leader, whose config rules). */
export interface ShipBatchInput {
  members: ShipInput[];
  /** Progress lines for the daemon's log. */
  note?: (detail: string) => void;
}

/**
 * Ships `members` as one batch (see the module comment), holding the ship lock throughout.
 * @returns every member's outcome by task id (with what its gates' agents spent).
 * @throws GitError only when git fails unexpectedly.
 */
export async function shipBatch(batch: ShipBatchInput): Promise<Map<string, ShipOutcome>> {
  const members: Member[] = batch.members.map((input) => ({ input, spent: { cost: zeroCost() } }));
  const ends = new Map<string, ShipEnd>();
  const first = members[0];
  if (first) {
    const locked = await withShipLock(first.input.repo, async () => {
      await settle(members, ends, batch.note ?? (() => {}), { n: 0 });
      return null;
    });
    if (locked) for (const m of members) ends.set(m.input.task.id, locked);
  }
  const out = new Map<string, ShipOutcome>();
  for (const m of members) {
    const end = ends.get(m.input.task.id) ?? { kind: "interrupted", reason: "not shipped", gates: [] };
    out.set(m.input.task.id, { ...end, cost: m.spent.cost });
  }
  return out;
}

async function refOf(input: ShipInput, ref: string): Promise<string | null> {
  const out = await gitText(["rev-parse", "--verify", "-q", ref], { cwd: input.repo.root, okCodes: [1] });
  return out === "" ? null : out;
}

/** Settles `group` on the current base tip; the outcome of each member goes into `ends`. */
async function settle(
  group: Member[],
  ends: Map<string, ShipEnd>,
  note: (detail: string) => void,
  runs: { n: number },
): Promise<void> {
  const [lead] = group;
  if (!lead) return;
  if (group.length === 1) {
    ends.set(lead.input.task.id, await shipOneLocked(lead.input, lead.spent));
    return;
  }
  const { repo, config } = lead.input;
  const base = config.base;
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const baseTip = await refOf(lead.input, `refs/heads/${base}`);
    if (!baseTip) {
      for (const m of group)
        ends.set(m.input.task.id, {
          kind: "blocked",
          reason: `the base branch ${base} does not exist`,
          gates: [],
        });
      return;
    }
    const { stack, members, aside } = await stackUp(group, baseTip);
    if (members.length < 2) {
      for (const m of [...members, ...aside]) await settle([m], ends, note, runs);
      return;
    }
    const top = stack.at(-1)?.commit ?? baseTip;
    const ids = members.map((m) => m.input.task.id);
    note(`ship gates on a batch of ${ids.length} (${ids.join(", ")}) at ${top.slice(0, 12)}`);
    const report = await runGates({
      repo,
      taskId: lead.input.task.id,
      names: config.gates.ship,
      config,
      candidate: top,
      base: baseTip,
      label: `${lead.input.label}-batch${++runs.n}`,
      acceptanceOf: ids,
      ...(lead.input.gates ? { gates: lead.input.gates } : {}),
      agentGate: lead.input.agentGate,
      parentEnv: lead.input.parentEnv,
      signal: lead.input.signal,
      onSpawn: lead.input.onSpawn,
    });
    lead.spent.cost = addCosts(lead.spent.cost, report.cost);
    const gates = report.results;
    const reason = report.reason ?? "a ship gate did not pass";
    const all = (end: ShipEnd) => {
      for (const m of members) ends.set(m.input.task.id, end);
    };
    if (report.outcome === "failed" || report.outcome === "refused") {
      const half = Math.ceil(members.length / 2);
      note(`the batch failed (${reason}); bisecting`);
      await settle(members.slice(0, half), ends, note, runs);
      await settle(members.slice(half), ends, note, runs);
      for (const m of aside) await settle([m], ends, note, runs);
      return;
    }
    if (report.outcome !== "passed") {
      if (report.outcome === "interrupted") all({ kind: "interrupted", reason, gates });
      else if (report.outcome === "try-later")
        all({ kind: "waiting", reason, gates, retryAfterMs: report.retryAfterMs });
      else all({ kind: "blocked", reason, gates });
      for (const m of aside) await settle([m], ends, note, runs);
      return;
    }
    const landed = await landStack(repo, {
      base,
      baseTip,
      stack,
      reason: `fleet: ship ${ids.join(", ")}`,
      approvalProblem: async (at) => {
        for (const m of members) {
          const problem = await m.input.approvalProblem?.(at);
          if (problem) return problem;
        }
        return null;
      },
      note,
    });
    if (landed.kind === "advanced") {
      for (const e of landed.stack) {
        await cleanUpShipped(repo, e.taskId);
        const others = ids.filter((id) => id !== e.taskId);
        ends.set(e.taskId, {
          kind: "shipped",
          commit: e.commit,
          gates,
          rounds: round,
          reparented: landed.reparented,
          batch: others,
        });
      }
      for (const m of aside) await settle([m], ends, note, runs);
      return;
    }
    if (landed.kind !== "moved") {
      const why =
        landed.kind === "dirty"
          ? `waiting: ${base} is checked out in ${landed.worktree} with uncommitted changes to ${landed.paths.join(", ")}, which this batch also changes; commit or stash them there and the changes ship`
          : `waiting: ${landed.lock} is there (a git command that was killed leaves it), so the work tree at ${landed.worktree} cannot follow ${base}; remove it if no git command runs there, and the changes ship`;
      all({ kind: "waiting", reason: why, gates });
      for (const m of aside) await settle([m], ends, note, runs);
      return;
    }
    note(`${base} moved to ${landed.now.slice(0, 12)} while the batch was gated; stacking again`);
    group = [...members, ...aside];
  }
  for (const m of group)
    ends.set(m.input.task.id, {
      kind: "waiting",
      reason: `${base} kept moving during ${MAX_ROUNDS} rounds; trying again later`,
      gates: [],
    });
}

/** Prepared stack of `group` on `baseTip`: the members in it, and those to ship on their own. */
async function stackUp(
  group: Member[],
  baseTip: string,
): Promise<{ stack: StackEntry[]; members: Member[]; aside: Member[] }> {
  const stack: StackEntry[] = [];
  const members: Member[] = [];
  const aside: Member[] = [];
  let top = baseTip;
  for (const m of group) {
    const { repo, task, config, judged } = m.input;
    const branch = `fleet/${task.id}`;
    const tip = await refOf(m.input, `refs/heads/${branch}`);
    // Whatever is not plainly this change, gated, unshipped, is left to a ship of its own to say.
    if (
      !tip ||
      !judged ||
      !(await holdsJudgedChange(repo, tip, judged)) ||
      (await findShippedCommit(repo, config.base, task.id))
    ) {
      aside.push(m);
      continue;
    }
    const message = mergedMessage(task);
    const squash = await squashOnto(repo, { branchTip: tip, baseTip: top, message });
    if (squash.kind === "conflict" || squash.empty) {
      aside.push(m);
      continue;
    }
    const changed = await changedPaths(repo.root, top, squash.commit);
    const hold =
      shipHoldReason(config.review.ship, changed) ??
      (await testsHoldReason(repo, config.review.tests, top, squash.commit));
    const unapproved = await m.input.approvalProblem?.(baseTip);
    if ((hold && !m.input.shipApproved) || unapproved) {
      aside.push(m);
      continue;
    }
    // The branch is not moved onto its commit of the stack: that commit's parent holds the changes of
    // the members below it. The base branch's log says what shipped; cleanUpShipped removes the branch.
    stack.push({ taskId: task.id, branch: null, commit: squash.commit, message });
    members.push(m);
    top = squash.commit;
  }
  return { stack, members, aside };
}
