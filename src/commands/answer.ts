/** `fleet answer <id> "…"`: a person answers the question an agent asked; the task resumes. */
import { answerQuestion } from "../lifecycle/person-actions.js";
import { taskPath } from "../store/paths.js";
import { withStateLock } from "../store/state-lock.js";
import { writeTask } from "../store/write-records.js";
import { type ChangeResult, changeResult, commitChange, loadTask, personContext } from "./person-context.js";

/** Options of {@link answer}. */
export interface AnswerOptions {
  cwd: string;
  id: string;
  answer: string;
  now?: Date;
}

/**
 * `<phase> / blocked` with a `question` → `<phase> / ready`; `{question, answer, by, at}` is appended
 * to `answers`. One commit, event `answered`, with the question and answer in the commit body.
 * @throws FleetError not-found / invalid / conflict (no open question) / usage (empty answer).
 */
export async function answer(opts: AnswerOptions): Promise<ChangeResult> {
  const ctx = await personContext(opts.cwd, opts.now);
  return withStateLock(ctx.repo.commonDir, async () => {
    const loaded = loadTask(ctx.paths, opts.id);
    const before = loaded.record;
    const task = answerQuestion(before, opts.answer, ctx.by, ctx.now);
    await writeTask(ctx.paths, task, loaded.body);
    const commit = await commitChange(
      ctx,
      {
        task: task.id,
        phase: task.phase,
        event: "answered",
        title: task.title,
        body: `Q: ${before.question ?? ""}\nA: ${opts.answer.trim()}`,
      },
      [taskPath(ctx.paths, task.id)],
    );
    return changeResult(before, task, commit);
  });
}
