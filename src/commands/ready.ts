/** `fleet ready <id>`: an idea is written and may go to research (or a fixed setup problem is cleared). */
import { markReady } from "../lifecycle/person-actions.js";
import { taskPath } from "../store/paths.js";
import { withStateLock } from "../store/state-lock.js";
import { writeTask } from "../store/write-records.js";
import { type ChangeResult, changeResult, commitChange, loadTask, personContext } from "./person-context.js";

/** Options of {@link ready}. `now` is for tests. */
export interface ReadyOptions {
  cwd: string;
  id: string;
  now?: Date;
}

/**
 * Marks task `id` ready: `idea / draft` → `idea / ready`, or `<phase> / blocked` (no question) →
 * `<phase> / ready`. A hand-dropped idea without frontmatter gets its full frontmatter written.
 * One commit, event `ready`.
 * @throws FleetError not-found / invalid / conflict (see `markReady`).
 */
export async function ready(opts: ReadyOptions): Promise<ChangeResult> {
  const ctx = await personContext(opts.cwd, opts.now);
  return withStateLock(ctx.repo.commonDir, async () => {
    const loaded = loadTask(ctx.paths, opts.id);
    const before = loaded.record;
    const task = markReady(before, ctx.now);
    await writeTask(ctx.paths, task, loaded.body);
    const commit = await commitChange(
      ctx,
      { task: task.id, phase: task.phase, event: "ready", title: task.title },
      [taskPath(ctx.paths, task.id)],
    );
    return changeResult(before, task, commit);
  });
}
