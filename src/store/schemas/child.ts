/**
 * A child task proposed by fan-out (design.md §5): `children/<slug>.md`, written by the planner into
 * `$FLEET_OUTPUT_DIR` and kept beside the plan as `.fleet/plans/<id>/children/<slug>.md` until the plan
 * is approved, when each becomes a task of its own (`queue/<id>.md` with `parent:` set). An agent wrote
 * it, so only the fields a planner may choose are accepted: a lifecycle field (`phase`, `status`,
 * `parent`, `attempts`…) is refused, not ignored.
 */
import * as z from "zod";
import { ID_PATTERN } from "../ids.js";
import { controlCharacterIn } from "../read-text.js";

/** What a child's file name (without `.md`) must match: a short slug, unique among its siblings. */
export const CHILD_SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;
/** At most this many children per plan. */
export const MAX_CHILDREN = 20;
/** Largest child file, bytes. */
export const MAX_CHILD_BYTES = 64 * 1024;

/** The frontmatter of a proposed child. `depends_on` names sibling slugs or existing task ids. */
export const childSchema = z.strictObject({
  title: z
    .string()
    .trim()
    .min(1, { error: "must not be empty" })
    .max(200)
    .refine((t) => controlCharacterIn(t) === null, {
      error: "holds a control character: a title is one line of printable text",
    }),
  priority: z.number().int().min(0).max(3).optional(),
  touches: z.array(z.string().min(1).max(300)).max(100).default([]),
  depends_on: z
    .array(z.string().regex(ID_PATTERN, { error: "must be a sibling's slug or a task id" }))
    .max(MAX_CHILDREN + 20)
    .default([]),
});
export type Child = z.infer<typeof childSchema>;

/** One proposed child, validated: its slug (file name without `.md`), frontmatter and body. */
export interface ChildProposal {
  slug: string;
  child: Child;
  body: string;
}
