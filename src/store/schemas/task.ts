/** The task record: `.fleet/queue/<id>.md` (design.md §1). */
import * as z from "zod";
import { costSchema, idSchema, phaseSchema, statusSchema, timestampSchema } from "./common.js";
import { reviewBranchSchema } from "./review-branch.js";

/** A question an agent asked and the answer a person gave (`fleet answer`). */
export const answerSchema = z.object({
  question: z.string(),
  answer: z.string(),
  by: z.string(),
  at: timestampSchema,
});

/**
 * Task frontmatter. Unknown keys are kept (a person's extra fields are never lost on rewrite).
 * Defaults fill what a hand-written idea leaves out.
 */
export const taskSchema = z.looseObject({
  id: idSchema,
  title: z.string().min(1, { error: "must not be empty" }),
  phase: phaseSchema.default("idea"),
  status: statusSchema.default("draft"),
  priority: z.number().int().min(0).max(3).default(2),
  depends_on: z.array(idSchema).default([]),
  parent: idSchema.nullable().default(null),
  touches: z.array(z.string().min(1)).default([]),
  /** Attempts used per phase, e.g. `{ implement: 1 }`. Written by the coordinator alone. */
  attempts: z.record(z.string(), z.number().int().nonnegative()).default({}),
  /** Commit that research and plan were made against. */
  base_commit: z.string().nullable().default(null),
  merged_into: idSchema.nullable().default(null),
  /** Set when an agent asks a person; the task is then `blocked`. */
  question: z.string().nullable().default(null),
  answers: z.array(answerSchema).default([]),
  /** Why the task is blocked, failed or dropped — one sentence for people. */
  reason: z.string().nullable().default(null),
  /** Set once on the base branch; `already` when the base held the change before this task shipped it. */
  shipped: z
    .object({
      commit: z.string(),
      at: timestampSchema,
      already: z.boolean().optional(),
      /**
       * How a branch-mode ship was seen merged: `ancestor` (the pushed commit itself is on the base),
       * `trailer` (a base commit carries its `Fleet-Task` and `Fleet-Event: merged` lines: a squash or
       * rebase merge, perhaps with edits), `content` (the base holds exactly its files).
       */
      merged_by: z.enum(["ancestor", "trailer", "content"]).optional(),
    })
    .nullable()
    .default(null),
  /** The review branch of a `ship.mode: branch` ship (set at `ship / awaiting-merge`); see review-branch.ts. */
  review_branch: reviewBranchSchema.nullable().default(null),
  cost: costSchema.extend({ agent_seconds: z.number().nonnegative().default(0) }).default({
    usd: null,
    input_tokens: null,
    output_tokens: null,
    agent_seconds: 0,
  }),
  created: timestampSchema.optional(),
  updated: timestampSchema.optional(),
});
export type Task = z.infer<typeof taskSchema>;

/** Field order in written task files: identity, lifecycle, scheduling, history, money, times. */
export const TASK_KEY_ORDER = [
  "id",
  "title",
  "phase",
  "status",
  "priority",
  "depends_on",
  "parent",
  "touches",
  "attempts",
  "base_commit",
  "merged_into",
  "question",
  "answers",
  "reason",
  "shipped",
  "review_branch",
  "cost",
  "created",
  "updated",
] as const;
