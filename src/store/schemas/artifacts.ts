/**
 * What the research and plan phases produce: `research/<id>.md`, `plans/<id>.md` and
 * `acceptance/<id>.md` (design.md §1, §6). The coordinator stamps provenance; agents write the bodies.
 */
import * as z from "zod";
import { idSchema, timestampSchema } from "./common.js";

const provenance = {
  task: idSchema,
  /** The commit the agent read. */
  base_commit: z.string().nullable().default(null),
  agent: z.string().nullable().default(null),
  /** Sequence number of the run that produced it (`runs/<id>/<seq>-…`). */
  run: z.number().int().positive().nullable().default(null),
  created: timestampSchema.optional(),
};

export const researchSchema = z.looseObject({ ...provenance });
export type Research = z.infer<typeof researchSchema>;

/** `fleet approve`: who, when, and the sha256 (hex) of plan + acceptance files it approved. */
export const approvalSchema = z.object({
  by: z.string(),
  at: timestampSchema,
  sha256: z.string().regex(/^[0-9a-f]{64}$/, { error: "must be a sha256 hex digest" }),
});
export type Approval = z.infer<typeof approvalSchema>;

export const planSchema = z.looseObject({
  ...provenance,
  approval: approvalSchema.nullable().default(null),
  /** Set by `fleet reject`; the planner sees the reason on its next attempt. */
  rejection: z.object({ by: z.string(), at: timestampSchema, reason: z.string() }).nullable().default(null),
  /** A second approval, before ship, when `review.ship` holds the change. */
  ship_approval: approvalSchema.nullable().default(null),
});
export type Plan = z.infer<typeof planSchema>;

/** One executable acceptance check. `run` is a command line, run from the repository root. */
export const checkSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { error: "must be a short name like AC1" }),
  says: z.string().min(1),
  run: z.string().min(1),
});
export type Check = z.infer<typeof checkSchema>;

/**
 * Stamped by the coordinator when the plan is proposed: the base commit the checks were run on, and
 * which failed there (evidence of the new work) and which passed (regression checks).
 */
export const onBaseSchema = z.object({
  commit: z.string(),
  fail: z.array(z.string()),
  pass: z.array(z.string()),
});

export const acceptanceSchema = z.looseObject({
  task: idSchema.optional(),
  on_base: onBaseSchema.optional(),
  checks: z.array(checkSchema).min(1, { error: "needs at least one check with a `run` command" }),
});
export type Acceptance = z.infer<typeof acceptanceSchema>;

export const PLAN_KEY_ORDER = [
  "task",
  "base_commit",
  "agent",
  "run",
  "created",
  "approval",
  "rejection",
] as const;
