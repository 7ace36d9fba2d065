/**
 * The implement gates: after an implement attempt, the gates decide whether the work moves on to ship
 * or goes back to the implementer with their output as feedback (design.md §2).
 *
 * This is the engine's minimal version, owned from here on by the gates work: it runs no gate and
 * passes every attempt, so a finished implementation rests at `ship / ready`.
 */
import type { GateResult } from "../store/schemas/run.js";
import type { Job } from "./job.js";

/** What the implement gates are given: the job, the worktree and the commit the attempt produced. */
export interface ImplementGatesInput {
  job: Job;
  /** The task's worktree (branch `fleet/<id>`); gates must not run in it, but may read its git data. */
  worktree: string;
  /** The commit to judge (head of `fleet/<id>`). */
  headCommit: string;
  /** The commit the work started from (`base_commit`). */
  baseCommit: string;
}

/** The gates' verdict. `feedback` goes into the next attempt's prompt when they did not pass. */
export interface ImplementGatesResult {
  passed: boolean;
  gates: GateResult[];
  /** One sentence: which gate failed and how. */
  reason: string | null;
  /** Longer text for the implementer (gate output tails). */
  feedback: string | null;
}

/** Runs the configured implement gates on `input.headCommit`. Minimal version: no gates, always passes. */
export async function runImplementGates(_input: ImplementGatesInput): Promise<ImplementGatesResult> {
  return { passed: true, gates: [], reason: null, feedback: null };
}
