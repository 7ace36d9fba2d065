/** `fleet merge <id> --into <other>`: two ideas are one; the first is folded into the second. */
import { mergeTask } from "../lifecycle/person-actions.js";
import { taskPath } from "../store/paths.js";
import { readTasks } from "../store/read-tasks.js";
import { withStateLock } from "../store/state-lock.js";
import { writeTask } from "../store/write-records.js";
import { type ChangeResult, changeResult, commitChange, loadTask, personContext } from "./person-context.js";

/** Options of {@link merge}. */
export interface MergeOptions {
  cwd: string;
  id: string;
  into: string;
  now?: Date;
}

/** The source's change, plus the target and the tasks whose `depends_on` moved from source to target. */
export interface MergeResult extends ChangeResult {
  into: string;
  dependents: string[];
}

/**
 * The source → `dropped / ready` with `merged_into: <into>`; its body is appended to the target's under
 * `## Merged from <id>: <title>`; tasks that depended on the source now depend on the target. One commit
 * (task = the source), event `merged`.
 * @throws FleetError not-found (either task), invalid, conflict (a finished task), usage (same task).
 */
export async function merge(opts: MergeOptions): Promise<MergeResult> {
  const ctx = await personContext(opts.cwd, opts.now);
  return withStateLock(ctx.repo.commonDir, async () => {
    const source = loadTask(ctx.paths, opts.id);
    const target = loadTask(ctx.paths, opts.into);
    const all = [...readTasks(ctx.paths).tasks.values()];
    const others = all.map((t) => t.record);
    const next = mergeTask(
      { task: source.record, body: source.body },
      { task: target.record, body: target.body },
      others,
      ctx.now,
    );
    const bodies = new Map(all.map((t) => [t.record.id, t.body]));
    await writeTask(ctx.paths, next.source, source.body);
    await writeTask(ctx.paths, next.target.task, next.target.body);
    for (const d of next.dependents) await writeTask(ctx.paths, d, bodies.get(d.id) ?? "");
    const ids = [next.source.id, next.target.task.id, ...next.dependents.map((d) => d.id)];
    const commit = await commitChange(
      ctx,
      {
        task: next.source.id,
        phase: source.record.phase,
        event: "merged",
        title: source.record.title,
        body: `Merged into ${next.target.task.id} — ${next.target.task.title}`,
      },
      ids.map((id) => taskPath(ctx.paths, id)),
    );
    return {
      ...changeResult(source.record, next.source, commit),
      into: next.target.task.id,
      dependents: next.dependents.map((d) => d.id),
    };
  });
}
