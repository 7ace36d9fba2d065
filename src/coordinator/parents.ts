/**
 * The coordinator's side of fan-out (design.md §5): every reconcile looks at the tasks waiting in
 * `implement / waiting-children` and applies {@link parentStep} — a parent whose child was dropped or
 * failed is blocked with a question for a person (one commit, event `asked`); one whose children are
 * all `done` is handed back to be integrated (integration.ts); the rest wait, with a reason.
 */
import { commitFleet } from "../git/commit-fleet.js";
import { parentStep } from "../lifecycle/children.js";
import type { Waiting } from "../lifecycle/decide.js";
import { relativeToRoot, taskPath } from "../store/paths.js";
import { readTask } from "../store/read-tasks.js";
import { nowTimestamp } from "../store/schemas/common.js";
import type { Task } from "../store/schemas/task.js";
import { withStateLock } from "../store/state-lock.js";
import { writeTask } from "../store/write-records.js";
import type { CoordinatorContext } from "./context.js";

/** What to do with the waiting parents: which to integrate now, and why the others wait. */
export interface ParentsStep {
  integrate: string[];
  waiting: Waiting[];
}

/** Blocks parent `id` with `question`, if it still waits for its children. */
async function blockParent(ctx: CoordinatorContext, id: string, question: string): Promise<void> {
  const { repo, paths } = ctx;
  await withStateLock(repo.commonDir, async () => {
    const read = readTask(paths, id);
    const t = read?.ok ? read.task.record : null;
    if (!read?.ok || t?.phase !== "implement" || t.status !== "waiting-children") return;
    const now = nowTimestamp(ctx.now());
    await writeTask(paths, { ...t, status: "blocked", question, reason: null, updated: now }, read.task.body);
    await commitFleet(repo, {
      event: { task: id, phase: "implement", event: "asked", title: t.title, body: question },
      paths: [relativeToRoot(paths.root, taskPath(paths, id))],
    });
    ctx.emit({ at: ctx.now(), task: id, phase: "implement", agent: null, event: "asked", detail: question });
  });
}

/**
 * Applies the fan-out rule to every waiting parent in `tasks` not in `busy` (being integrated).
 * @throws GitError/fs errors when a block cannot be committed.
 */
export async function stepParents(
  ctx: CoordinatorContext,
  tasks: readonly Task[],
  busy: ReadonlySet<string>,
): Promise<ParentsStep> {
  const out: ParentsStep = { integrate: [], waiting: [] };
  for (const task of tasks) {
    if (task.phase !== "implement" || task.status !== "waiting-children" || busy.has(task.id)) continue;
    const step = parentStep(task, tasks);
    if (step.kind === "block") await blockParent(ctx, task.id, step.question);
    else if (step.kind === "integrate") out.integrate.push(task.id);
    else out.waiting.push({ taskId: task.id, phase: "implement", why: step.why });
  }
  return out;
}
