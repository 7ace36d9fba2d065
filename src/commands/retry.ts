/** `fleet retry <id>`: a failed task gets a fresh set of attempts in the phase where it failed. */
import { retryTask } from "../lifecycle/person-actions.js";
import { taskPath } from "../store/paths.js";
import { withStateLock } from "../store/state-lock.js";
import { writeTask } from "../store/write-records.js";
import { type ChangeResult, changeResult, commitChange, loadTask, personContext } from "./person-context.js";

/** Options of {@link retry}. */
export interface RetryOptions {
  cwd: string;
  id: string;
  now?: Date;
}

/**
 * `<phase> / failed` → `<phase> / ready` with `attempts.<phase>` reset to 0. One commit, event `retried`.
 * @throws FleetError not-found / invalid / conflict (the task has not failed).
 */
export async function retry(opts: RetryOptions): Promise<ChangeResult> {
  const ctx = await personContext(opts.cwd, opts.now);
  return withStateLock(ctx.repo.commonDir, async () => {
    const loaded = loadTask(ctx.paths, opts.id);
    const before = loaded.record;
    const task = retryTask(before, ctx.now);
    await writeTask(ctx.paths, task, loaded.body);
    const commit = await commitChange(
      ctx,
      { task: task.id, phase: task.phase, event: "retried", title: task.title },
      [taskPath(ctx.paths, task.id)],
    );
    return changeResult(before, task, commit);
  });
}
