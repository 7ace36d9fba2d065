/** `review_branch:` in a task file: where a `ship.mode: branch` ship left the change for review. */
import * as z from "zod";
import { timestampSchema } from "./common.js";

/**
 * The branch a branch-mode ship pushed. `commit`: the squashed, gated change; `parent`: the base tip it
 * was squashed onto (the change is `parent..commit`); `remote`: the remote it was pushed to, or null when
 * it stays in this clone as `branch`; `pr`: the pull request's URL, or null, with `pr_note` saying why
 * none was opened; `gone`: set when the branch disappeared without the base holding the change.
 */
export const reviewBranchSchema = z.object({
  branch: z.string().regex(/^fleet\/[a-z0-9][a-z0-9-]{0,62}$/, { error: "must be fleet/<task id>" }),
  commit: z.string().regex(/^[0-9a-f]{40}$/, { error: "must be a full commit id" }),
  parent: z.string().regex(/^[0-9a-f]{40}$/, { error: "must be a full commit id" }),
  // Passed to git as an argument (the merge check's fetch): a remote name, never an option.
  remote: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, { error: "must be a git remote name like `origin`" })
    .nullable()
    .default(null),
  pushed: timestampSchema,
  pr: z.string().nullable().default(null),
  pr_note: z.string().nullable().default(null),
  gone: timestampSchema.nullable().default(null),
});
export type ReviewBranch = z.infer<typeof reviewBranchSchema>;
