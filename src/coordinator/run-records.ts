/**
 * Run records (`runs/<id>/<seq>-<phase>.md`, schema in `src/store/schemas/run.ts`): one per attempt,
 * written when the run starts (`outcome: running`) and rewritten when it ends. Only the coordinator
 * writes them.
 */
import { type FleetPaths, relativeToRoot, runPath } from "../store/paths.js";
import { readRuns } from "../store/read-records.js";
import { nowTimestamp } from "../store/schemas/common.js";
import type { Run } from "../store/schemas/run.js";

/** The highest run sequence number and epoch recorded for task `id` (0 when none). */
export function lastRunNumbers(paths: FleetPaths, id: string): { seq: number; epoch: number } {
  let seq = 0;
  let epoch = 0;
  for (const run of readRuns(paths, id)) {
    seq = Math.max(seq, run.record.seq);
    epoch = Math.max(epoch, run.record.epoch);
  }
  return { seq, epoch };
}

/** `.fleet/runs/<id>/<seq>-<phase>.md`, relative to the repository root. */
export function runRel(paths: FleetPaths, run: Pick<Run, "task" | "seq" | "phase">): string {
  return relativeToRoot(paths.root, runPath(paths, run.task, run.seq, run.phase));
}

/** The record of a run that just started. */
export function startedRun(fields: {
  task: string;
  seq: number;
  phase: Run["phase"];
  agent: string | null;
  runner: string | null;
  model: string | null;
  attempt: number;
  epoch: number;
  started: Date;
  log: string;
  /** How the run is contained (config.md `sandbox:`); null for runs made before the sandbox existed. */
  sandbox?: Run["sandbox"];
  /** The commit the run's config, agents and gates come from, or null. */
  definitions?: string | null;
}): Run {
  return {
    task: fields.task,
    seq: fields.seq,
    phase: fields.phase,
    agent: fields.agent,
    runner: fields.runner,
    model: fields.model,
    attempt: fields.attempt,
    epoch: fields.epoch,
    started: nowTimestamp(fields.started),
    finished: null,
    duration_ms: null,
    exit_code: null,
    outcome: "running",
    reason: null,
    log: fields.log,
    head_commit: null,
    session_id: null,
    cost: { usd: null, input_tokens: null, output_tokens: null },
    gates: [],
    sandbox: fields.sandbox ?? null,
    definitions: fields.definitions ?? null,
  };
}

/** `run` ended at `now` with `patch` (outcome, reason, exit code…); duration from its start unless given. */
export function finishedRun(run: Run, now: Date, patch: Partial<Run>): Run {
  const started = Date.parse(run.started);
  const duration = Number.isFinite(started) ? Math.max(0, now.getTime() - started) : null;
  return { ...run, finished: nowTimestamp(now), duration_ms: duration, ...patch };
}
