/** One attempt: `.fleet/runs/<id>/<seq>-<phase>.md`, written by the coordinator alone (design.md §1). */
import * as z from "zod";
import { costSchema, idSchema, phaseSchema, timestampSchema } from "./common.js";

/** How an attempt ended. `try-later` (exit 75, rate limit) and `interrupted` do not use up an attempt. */
export const OUTCOMES = [
  "running",
  "finished",
  "failed",
  "timeout",
  "try-later",
  "blocked",
  "interrupted",
  "lost-claim",
  "passed",
  "rejected",
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * One gate's verdict in a run. `output_tail`: the last lines of its output; the full log is at `log`.
 * `try-later`: the gate's agent was rate limited, so it gave no verdict and the gates run again later.
 */
export const gateResultSchema = z.object({
  gate: z.string(),
  kind: z.string(),
  verdict: z.enum(["pass", "fail", "error", "try-later", "skipped"]),
  exit_code: z.number().int().nullable().default(null),
  duration_ms: z.number().nonnegative().default(0),
  output_tail: z.string().default(""),
  log: z.string().nullable().default(null),
});
export type GateResult = z.infer<typeof gateResultSchema>;

export const runSchema = z.looseObject({
  task: idSchema,
  seq: z.number().int().positive(),
  phase: phaseSchema,
  agent: z.string().nullable().default(null),
  runner: z.string().nullable().default(null),
  model: z.string().nullable().default(null),
  attempt: z.number().int().nonnegative(),
  epoch: z.number().int().nonnegative(),
  started: timestampSchema,
  finished: timestampSchema.nullable().default(null),
  duration_ms: z.number().nonnegative().nullable().default(null),
  exit_code: z.number().int().nullable().default(null),
  outcome: z.enum(OUTCOMES),
  reason: z.string().nullable().default(null),
  /** Transcript path, relative to the git common directory (`fleet/logs/…`). */
  log: z.string().nullable().default(null),
  /** Bytes the run's programs wrote to the transcript, all of them (the file keeps at most the cap). */
  log_bytes: z.number().int().nonnegative().optional(),
  /** True when the transcript left out the middle to stay within `logs.max_bytes`. */
  log_truncated: z.boolean().optional(),
  /** Implement: the commit the attempt produced on `fleet/<id>`. */
  head_commit: z.string().nullable().default(null),
  session_id: z.string().nullable().default(null),
  cost: costSchema.default({ usd: null, input_tokens: null, output_tokens: null }),
  gates: z.array(gateResultSchema).default([]),
  /** How the run's agent and gates were contained: `bwrap`, or `off` (config.md `sandbox: off`). */
  sandbox: z.enum(["bwrap", "off"]).nullable().default(null),
  /** The commit this run's config, agents and gates were read from (the base tip when claimed). */
  definitions: z.string().nullable().default(null),
});
export type Run = z.infer<typeof runSchema>;

export const RUN_KEY_ORDER = [
  "task",
  "seq",
  "phase",
  "agent",
  "runner",
  "model",
  "attempt",
  "epoch",
  "started",
  "finished",
  "duration_ms",
  "exit_code",
  "outcome",
  "reason",
  "log",
  "log_bytes",
  "log_truncated",
  "head_commit",
  "session_id",
  "cost",
  "gates",
  "sandbox",
  "definitions",
] as const;
