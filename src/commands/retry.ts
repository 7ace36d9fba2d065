/** `fleet retry <id>`: a failed task gets a fresh set of attempts in the phase where it failed. */
import { retryTask } from "../lifecycle/person-actions.js";
import { type ChangeResult, changeTask } from "./person-context.js";

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
  return changeTask(
    opts,
    (task, ctx) => retryTask(task, ctx.now),
    (_, task) => ({ phase: task.phase, event: "retried" }),
  );
}
