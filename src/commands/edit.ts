/** `fleet edit <id>`: change a task's title, priority, depends_on, touches or body, as one commit. */
import { editTask, type TaskEdit } from "../lifecycle/edit-task.js";
import { taskPath } from "../store/paths.js";
import { readTask } from "../store/read-tasks.js";
import { withStateLock } from "../store/state-lock.js";
import { writeTask } from "../store/write-records.js";
import { type ChangeResult, changeResult, commitChange, loadTask, personContext } from "./person-context.js";

/** Options of {@link edit}. */
export interface EditOptions extends TaskEdit {
  cwd: string;
  /** The task id, or a prefix naming one task. */
  id: string;
  now?: Date;
}

/** What {@link edit} did: the change (no commit when nothing differed) and the fields that changed. */
export interface EditResult extends ChangeResult {
  changed: string[];
}

/**
 * Edits the task and commits `.fleet/queue/<id>.md` (event `edited`, the fields named in the body).
 * Depends_on ids may be prefixes too. Nothing is written when nothing changes.
 * @throws see {@link editTask}; FleetError not-found / invalid from loading the task.
 */
export async function edit(opts: EditOptions): Promise<EditResult> {
  const ctx = await personContext(opts.cwd, opts.now);
  return withStateLock(ctx.repo.commonDir, async () => {
    const loaded = loadTask(ctx.paths, opts.id);
    const before = loaded.record;
    const dependsOn = (id: string) => {
      const r = readTask(ctx.paths, id);
      return r?.ok ? r.task.record.depends_on : r === null ? null : [];
    };
    const deps = opts.depends_on?.map((d) => {
      try {
        return loadTask(ctx.paths, d).record.id;
      } catch {
        return d; // editTask names what is wrong with it
      }
    });
    const done = editTask(
      before,
      loaded.body,
      { ...opts, ...(deps ? { depends_on: deps } : {}) },
      dependsOn,
      ctx.now,
    );
    if (done.changed.length === 0) return { ...changeResult(before, before, null), changed: [] };
    await writeTask(ctx.paths, done.task, done.body);
    const commit = await commitChange(
      ctx,
      {
        task: done.task.id,
        title: done.task.title,
        phase: done.task.phase,
        event: "edited",
        body: `Changed: ${done.changed.join(", ")}.`,
      },
      [taskPath(ctx.paths, done.task.id)],
    );
    return { ...changeResult(before, done.task, commit), changed: done.changed };
  });
}
