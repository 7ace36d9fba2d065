/** `fleet drop <id> -m "…"`: a person stops a task for good. */
import { dropTask } from "../lifecycle/person-actions.js";
import { taskPath } from "../store/paths.js";
import { withStateLock } from "../store/state-lock.js";
import { writeTask } from "../store/write-records.js";
import { type ChangeResult, changeResult, commitChange, loadTask, personContext } from "./person-context.js";

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
  const ctx = await personContext(opts.cwd, opts.now);
  return withStateLock(ctx.repo.commonDir, async () => {
    const loaded = loadTask(ctx.paths, opts.id);
    const before = loaded.record;
    const task = dropTask(before, opts.reason, ctx.now);
    await writeTask(ctx.paths, task, loaded.body);
    const commit = await commitChange(
      ctx,
      { task: task.id, phase: before.phase, event: "dropped", title: task.title, body: task.reason ?? "" },
      [taskPath(ctx.paths, task.id)],
    );
    return changeResult(before, task, commit);
  });
}
