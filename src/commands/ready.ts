/** `fleet ready <id>`: an idea is written and may go to research (or a fixed setup problem is cleared). */
import { markReady } from "../lifecycle/person-actions.js";
import { type ChangeResult, changeTask } from "./person-context.js";

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
  return changeTask(
    opts,
    (task, ctx) => markReady(task, ctx.now),
    (_, task) => ({ phase: task.phase, event: "ready" }),
  );
}
