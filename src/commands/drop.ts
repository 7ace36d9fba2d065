/** `fleet drop <id> -m "…"`: a person stops a task for good. */
import { dropTask } from "../lifecycle/person-actions.js";
import { type ChangeResult, changeTask } from "./person-context.js";

/** Options of {@link drop}. */
export interface DropOptions {
  cwd: string;
  id: string;
  reason: string;
  now?: Date;
}

/**
 * Any task not done or dropped → `dropped / ready` with `reason`. The commit is recorded in the phase the
 * task was in (`fleet(implement): x dropped`), with the reason as its body. Files are kept: git history
 * and `fleet show` still tell the story.
 * @throws FleetError not-found / invalid / conflict (already finished) / usage (empty reason).
 */
export async function drop(opts: DropOptions): Promise<ChangeResult> {
  return changeTask(
    opts,
    (task, ctx) => dropTask(task, opts.reason, ctx.now),
    (before, task) => ({ phase: before.phase, event: "dropped", body: task.reason ?? "" }),
  );
}
