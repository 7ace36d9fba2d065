/** `fleet answer <id> "…"`: a person answers the question an agent asked; the task resumes. */
import { resumeParent } from "../lifecycle/children.js";
import { answerQuestion } from "../lifecycle/person-actions.js";
import { readTasks } from "../store/read-tasks.js";
import { type ChangeResult, changeTask } from "./person-context.js";

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
 * A fanned-out task blocked in implement goes back to `implement / waiting-children` instead when no
 * child of it is dropped or failed any more (a person retried them); otherwise its own implementer
 * does the rest, with the answer in its prompt.
 * @throws FleetError not-found / invalid / conflict (no open question) / usage (empty answer).
 */
export async function answer(opts: AnswerOptions): Promise<ChangeResult> {
  return changeTask(
    opts,
    (task, ctx) => {
      const answered = answerQuestion(task, opts.answer, ctx.by, ctx.now);
      if (task.phase !== "implement") return answered;
      const tasks = [...readTasks(ctx.paths).tasks.values()].map((t) => t.record);
      return resumeParent(answered, tasks);
    },
    (before, task) => ({
      phase: task.phase,
      event: "answered",
      body: `Q: ${before.question ?? ""}\nA: ${opts.answer.trim()}`,
    }),
  );
}
