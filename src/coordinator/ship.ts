/**
 * The ship phase's executor: turns {@link shipTask}'s outcome into a landing. Shipped → `done` with
 * `shipped: { commit, at }` (the audit commit's event is `shipped`); held by `review.ship` →
 * `ship / awaiting-approval`; a failed ship gate or a rebase conflict → back to `implement / ready`
 * with the feedback (charged to the implement attempt that made the change, so the task fails once
 * implement has used `max_attempts`); a person's work in the way, or a rate-limited reviewer → try again
 * later, not an attempt. `ship.mode: branch`: pushed as `fleet/<id>` → `ship / awaiting-merge` with
 * `review_branch` set (event `pushed`). The run's cost is what the ship gates' reviewer spent.
 */
import { deleteTaskBranch, fetchTaskBranch } from "../remote/transport.js";
import { readPlan, readRuns } from "../store/read-records.js";
import { nowTimestamp } from "../store/schemas/common.js";
import { approvalProblem, gatesOf, reviewerFor } from "./implement-gates.js";
import type { Job, Landing } from "./job.js";
import { shipBatch } from "./ship-batch.js";
import { hasShipApproval } from "./ship-review.js";
import { type ShipInput, type ShipOutcome, shipTask } from "./ship-task.js";

/** How long a ship that waits for a person's work tree first rests before it tries again, ms. */
export const SHIP_WAIT_MS = 30_000;
/** The longest rest between tries, ms: each try is two audit commits, so a long wait backs off. */
export const SHIP_WAIT_MAX_MS = 15 * 60_000;

/** 30 s, doubling with each ship run in a row that had to wait, up to 15 min. */
export function shipWaitMs(job: Job): number {
  let waits = 0;
  for (const run of readRuns(job.paths, job.task.id).reverse()) {
    if (run.record.seq >= job.seq) continue;
    if (run.record.phase !== "ship" || run.record.outcome !== "try-later") break;
    waits++;
  }
  return Math.min(SHIP_WAIT_MS * 2 ** waits, SHIP_WAIT_MAX_MS);
}

/** The last implement attempt that passed its gates: when it finished (ISO) and the commit they judged. */
function lastImplemented(job: Job): { finished: string | null; head: string | null } {
  const runs = readRuns(job.paths, job.task.id).filter(
    (r) => r.record.phase === "implement" && r.record.outcome === "finished",
  );
  const last = runs.at(-1)?.record;
  return { finished: last?.finished ?? null, head: last?.head_commit ?? null };
}

function gateLines(outcome: ShipOutcome): string {
  if (!("gates" in outcome) || outcome.gates.length === 0) return "";
  const lines = outcome.gates.map(
    (g) => `- ${g.gate}: ${g.verdict}${g.exit_code === null ? "" : ` (exit ${g.exit_code})`}`,
  );
  return `\n\n## Gates\n\n${lines.join("\n")}\n`;
}

/** The run body's sentences about re-parenting and the batch of a shipped outcome. */
function shippedHow(outcome: Extract<ShipOutcome, { kind: "shipped" }>, base: string): string {
  const parts: string[] = [];
  if (outcome.reparented)
    parts.push(
      ` Re-parented ${outcome.reparented} time(s) onto ${base}'s new tip without gating again: only fleet state had moved it.`,
    );
  if (outcome.batch?.length)
    parts.push(` Shipped in one batch, gated once, with ${outcome.batch.join(", ")} (ship.batch).`);
  return parts.join("");
}

/** Turns a ship outcome into the landing the coordinator commits. */
export function shipLanding(job: Job, outcome: ShipOutcome, now: Date): Landing {
  return { ...shipEndLanding(job, outcome, now), cost: outcome.cost };
}

function shipEndLanding(job: Job, outcome: ShipOutcome, now: Date): Landing {
  const base = job.config.base;
  switch (outcome.kind) {
    case "shipped":
      if (outcome.already)
        return {
          end: { kind: "advance", phase: "done", status: "ready", event: "shipped" },
          taskPatch: { shipped: { commit: outcome.commit, at: nowTimestamp(now), already: true } },
          reason: `already on ${base}: its change was there at ${outcome.commit.slice(0, 12)}`,
          runBody: `Already shipped: the change of fleet/${job.task.id} is empty on top of ${base} (${outcome.commit}), which already holds it. Nothing was committed; no attempt was used.\n`,
        };
      return {
        end: { kind: "advance", phase: "done", status: "ready", event: "shipped" },
        taskPatch: { shipped: { commit: outcome.commit, at: nowTimestamp(now) } },
        headCommit: outcome.commit,
        gates: outcome.gates,
        reason: `shipped as ${outcome.commit.slice(0, 12)} on ${base}`,
        runBody: `Shipped: ${base} now holds ${outcome.commit}${outcome.rounds > 1 ? ` (rebased ${outcome.rounds - 1} time(s) because ${base} moved)` : ""}.${shippedHow(outcome, base)}${gateLines(outcome)}`,
      };
    case "pushed": {
      const r = outcome.review;
      const where = r.remote ? `pushed to ${r.remote}` : "left in this clone";
      const pr = r.pr ? `\n\nPull request: ${r.pr}\n` : r.pr_note ? `\n\n${r.pr_note}\n` : "\n";
      return {
        end: { kind: "advance", phase: "ship", status: "awaiting-merge", event: "pushed" },
        taskPatch: { review_branch: r },
        headCommit: r.commit,
        gates: outcome.gates,
        reason: `${r.branch} ${where} at ${r.commit.slice(0, 12)}: waits to be merged into ${base}`,
        runBody: `Branch ${r.branch} (${r.commit}) ${where} for review, squashed onto ${base} at ${r.parent}. The task is done once ${base}${r.remote ? ` on ${r.remote}` : ""} holds the change.${pr}${gateLines(outcome)}`,
      };
    }
    case "held":
      return {
        end: { kind: "advance", phase: "ship", status: "awaiting-approval", event: "held" },
        reason: outcome.reason,
        runBody: `## Held before ship\n\n${outcome.reason}\n`,
      };
    case "conflict":
    case "failed": {
      const outcomeName = outcome.kind === "conflict" ? "rejected" : outcome.outcome;
      return {
        end: { kind: "failed", outcome: outcomeName, reason: outcome.reason, backTo: "implement" },
        reason: outcome.reason,
        gates: "gates" in outcome ? outcome.gates : [],
        runBody: `## Feedback\n\n${outcome.reason}\n\n${outcome.feedback}\n`,
      };
    }
    case "blocked":
      return {
        end: { kind: "blocked", reason: outcome.reason },
        reason: outcome.reason,
        gates: outcome.gates,
        runBody: `## Blocked\n\n${outcome.reason}\n${gateLines(outcome)}`,
      };
    case "waiting":
      return {
        end: { kind: "try-later", reason: outcome.reason },
        reason: outcome.reason,
        gates: outcome.gates,
        retryAfterMs: outcome.retryAfterMs ?? shipWaitMs(job),
        runBody: `## Waiting\n\n${outcome.reason}\n${gateLines(outcome)}`,
      };
    case "interrupted":
      return {
        end: { kind: "interrupted", reason: outcome.reason },
        reason: outcome.reason,
        gates: outcome.gates,
      };
  }
}

/** What {@link shipTask} (or a batch) needs to ship `job.task`. */
function shipInputOf(job: Job): ShipInput {
  const plan = readPlan(job.paths, job.task.id);
  const implemented = lastImplemented(job);
  return {
    repo: job.repo,
    config: job.config,
    task: job.task,
    label: `${String(job.seq).padStart(3, "0")}-ship`,
    judged: implemented.head,
    gates: gatesOf(job),
    approvalProblem: (commit) => approvalProblem(job, commit),
    shipApproved: hasShipApproval(plan?.record ?? null, implemented.finished),
    agentGate: reviewerFor(job),
    parentEnv: job.env,
    remote: job.remote ?? null,
    signal: job.signal,
    onSpawn: (pgid) => job.onSpawn(pgid),
    note: (detail) => job.emit({ event: "shipping", detail }),
  };
}

/** The ship executor: the merge queue of one for `job.task`. */
export async function runShip(job: Job): Promise<Landing> {
  const implemented = lastImplemented(job);
  // The implement run may have been made on another machine: its branch is on the remote.
  if (
    job.remote &&
    implemented.head &&
    !(await fetchTaskBranch(job.repo.root, job.remote.opts.remote, job.task.id, implemented.head))
  ) {
    const reason = `the implement result ${implemented.head.slice(0, 12)} is not on the remote as fleet/${job.task.id} yet`;
    return { end: { kind: "try-later", reason }, reason, retryAfterMs: 30_000 };
  }
  const outcome = await shipTask(shipInputOf(job));
  // Shipped onto the remote base: the implement branch there has served (best effort).
  if (job.remote && outcome.kind === "shipped")
    await deleteTaskBranch(job.repo.root, job.remote.opts.remote, job.task.id).catch(() => {});
  return shipLanding(job, outcome, new Date());
}

/**
 * Ships the claimed `jobs` as one batch (`ship.batch`, ship-batch.ts): the first is the leader, whose
 * config and gate definitions judge the batch and whose signal stops it.
 * @returns each job's landing by task id.
 */
export async function runShipBatch(jobs: readonly Job[]): Promise<Map<string, Landing>> {
  const outcomes = await shipBatch({
    members: jobs.map(shipInputOf),
    note: (detail) => jobs[0]?.emit({ event: "shipping", detail }),
  });
  const landings = new Map<string, Landing>();
  for (const job of jobs) {
    const outcome = outcomes.get(job.task.id);
    if (outcome) landings.set(job.task.id, shipLanding(job, outcome, new Date()));
  }
  return landings;
}
