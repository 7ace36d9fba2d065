/** `fleet answer <id> "…"`: a person answers the question an agent asked; the task resumes. */
import { answerQuestion } from "../lifecycle/person-actions.js";
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
 * @throws FleetError not-found / invalid / conflict (no open question) / usage (empty answer).
 */
export async function answer(opts: AnswerOptions): Promise<ChangeResult> {
  return changeTask(
    opts,
    (task, ctx) => answerQuestion(task, opts.answer, ctx.by, ctx.now),
    (before, task) => ({
      phase: task.phase,
      event: "answered",
      body: `Q: ${before.question ?? ""}\nA: ${opts.answer.trim()}`,
    }),
  );
}
