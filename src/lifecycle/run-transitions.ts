/**
 * Pure transitions of a task around one run: claiming it ({@link startRun}) and settling it with how
 * the run ended ({@link settleRun}). AGENTS.md's lifecycle table is the specification; `attempts`
 * counts runs that reached an outcome (finished, failed, timed out, asked a question), never
 * try-later, interruptions, setup problems or lost claims.
 */

import type { Cost, Phase, Status, WorkPhase } from "../store/schemas/common.js";
import { nowTimestamp } from "../store/schemas/common.js";
import type { Outcome } from "../store/schemas/run.js";
import type { Task } from "../store/schemas/task.js";

/** How a run ended, as far as the task is concerned. */
export type RunEnd =
  /** The phase's work is done: move on to `phase / status`. */
  | { kind: "advance"; phase: Phase; status: Status; outcome?: Outcome; event?: string }
  /**
   * The attempt failed (agent exit, invalid output, a gate): retried until `max_attempts`. With
   * `backTo`, the work goes back to that earlier phase (a ship gate or a rebase conflict sends it back
   * to implement); the failure is charged to that phase's attempt that produced the work, already
   * counted, so it adds none — the task fails once that phase has used all its attempts.
   */
  | { kind: "failed"; outcome: "failed" | "timeout" | "rejected"; reason: string; backTo?: WorkPhase }
  /** The agent asked a person (`question.md`). */
  | { kind: "question"; question: string }
  /** A setup problem a person must fix (agent binary missing, setup command failed). */
  | { kind: "blocked"; reason: string }
  /** Exit 75, a rate limit: not an attempt; the coordinator backs the task off. */
  | { kind: "try-later"; reason: string }
  /** Shutdown or crash: not an attempt; the phase starts again. */
  | { kind: "interrupted"; reason: string };

/** What {@link settleRun} decided: the new task, the run's outcome and the audit event's verb. */
export interface Settled {
  task: Task;
  outcome: Outcome;
  event: string;
}

/** Verb of the audit event when a phase's work is done. */
export const ADVANCE_EVENT: Record<WorkPhase, string> = {
  research: "researched",
  plan: "proposed",
  implement: "implemented",
  ship: "shipped",
};

/** The task once claimed for `phase`: `<phase> / running` (an `idea` becomes `research`). */
export function startRun(task: Task, phase: WorkPhase, now: Date): Task {
  return { ...task, phase, status: "running", reason: null, updated: nowTimestamp(now) };
}

function addNullable(a: number | null, b: number | null): number | null {
  return a === null && b === null ? null : (a ?? 0) + (b ?? 0);
}

/** `task.cost` plus one run's `cost` and `durationMs` (as agent seconds). */
export function addCost(task: Task, cost: Cost, durationMs: number): Task["cost"] {
  return {
    usd: addNullable(task.cost.usd, cost.usd),
    input_tokens: addNullable(task.cost.input_tokens, cost.input_tokens),
    output_tokens: addNullable(task.cost.output_tokens, cost.output_tokens),
    agent_seconds: Math.round((task.cost.agent_seconds + durationMs / 1000) * 10) / 10,
  };
}

/**
 * The task after a run of `phase` ended with `end`. `maxAttempts` comes from the config; a failure
 * that uses up the last attempt leaves the task `failed` with the reason.
 */
export function settleRun(
  task: Task,
  phase: WorkPhase,
  end: RunEnd,
  opts: { maxAttempts: number; now: Date },
): Settled {
  const updated = nowTimestamp(opts.now);
  const used = task.attempts[phase] ?? 0;
  const counted = { ...task.attempts, [phase]: used + 1 };
  const base: Task = { ...task, updated };
  switch (end.kind) {
    case "advance":
      return {
        task: {
          ...base,
          phase: end.phase,
          status: end.status,
          attempts: counted,
          question: null,
          reason: null,
        },
        outcome: end.outcome ?? "finished",
        event: end.event ?? ADVANCE_EVENT[phase],
      };
    case "failed": {
      if (end.backTo && end.backTo !== phase) {
        const target = end.backTo;
        const spent = task.attempts[target] ?? 0;
        const out = spent >= opts.maxAttempts;
        const reason = out ? `${target} failed ${spent} times; last: ${end.reason}` : end.reason;
        return {
          task: { ...base, phase: target, status: out ? "failed" : "ready", reason },
          outcome: end.outcome,
          event: out ? "failed" : "retrying",
        };
      }
      const out = used + 1 >= opts.maxAttempts;
      const reason = out ? `${phase} failed ${used + 1} times; last: ${end.reason}` : end.reason;
      return {
        task: { ...base, phase, status: out ? "failed" : "ready", attempts: counted, reason },
        outcome: end.outcome,
        event: out ? "failed" : "retrying",
      };
    }
    case "question":
      return {
        task: { ...base, phase, status: "blocked", attempts: counted, question: end.question, reason: null },
        outcome: "blocked",
        event: "asked",
      };
    case "blocked":
      return {
        task: { ...base, phase, status: "blocked", reason: end.reason },
        outcome: "blocked",
        event: "blocked",
      };
    case "try-later":
      return {
        task: { ...base, phase, status: "ready", reason: end.reason },
        outcome: "try-later",
        event: "deferred",
      };
    case "interrupted":
      return {
        task: { ...base, phase, status: "ready", reason: null },
        outcome: "interrupted",
        event: "interrupted",
      };
  }
}

/**
 * The audit event a run's outcome stands for, given the task it left behind: what {@link settleRun}
 * named it. Recovery uses it to commit a transition that was written but not committed under its
 * own name.
 */
export function eventOfOutcome(
  phase: WorkPhase,
  outcome: Outcome,
  task: Pick<Task, "status" | "question">,
): string {
  switch (outcome) {
    case "finished":
    case "passed":
      return task.status === "awaiting-merge" ? "pushed" : ADVANCE_EVENT[phase];
    case "failed":
    case "timeout":
    case "rejected":
      return task.status === "failed" ? "failed" : "retrying";
    case "blocked":
      return task.question ? "asked" : "blocked";
    case "try-later":
      return "deferred";
    case "running":
      return "started";
    default:
      return outcome;
  }
}
