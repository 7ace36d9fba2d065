/**
 * New files in `queue/`, before any work starts on them: hand-dropped ideas get their frontmatter
 * filled in and committed, and complete but uncommitted task files are committed — both as the
 * `created` event. Errors are reported and retried on the next reconcile, never thrown.
 */
import path from "node:path";
import type { CoordinatorContext } from "./context.js";
import { commitNewIdeas, normalizeIdea, SETTLE_MS } from "./normalize.js";
import type { TaskIndex } from "./task-index.js";

/** Takes in new queue files on each reconcile. */
export class Intake {
  /** Queue files seen but not yet in git, to commit once they validate. */
  private newFiles = new Set<string>();

  constructor(
    private readonly ctx: CoordinatorContext,
    private readonly index: TaskIndex,
    private readonly wake: () => void,
  ) {}

  /** Handles what the index saw since last time. @returns how many ideas wait to settle (changed a moment ago). */
  async run(): Promise<number> {
    let settling = 0;
    for (const id of [...this.index.unnormalized()]) {
      try {
        if ((await normalizeIdea(this.ctx, id)) === "later") settling++;
      } catch (err) {
        this.error(id, `could not fill in the idea: ${(err as Error).message}`);
      }
      this.index.refresh([path.join(this.ctx.paths.queue, `${id}.md`)]);
    }
    if (settling) setTimeout(this.wake, SETTLE_MS + 20).unref();
    for (const name of this.index.takeAdded()) this.newFiles.add(name);
    try {
      this.newFiles = new Set(await commitNewIdeas(this.ctx, [...this.newFiles]));
    } catch (err) {
      this.error(null, `could not commit new ideas: ${(err as Error).message}`);
    }
    return settling;
  }

  private error(task: string | null, detail: string): void {
    this.ctx.emit({
      at: this.ctx.now(),
      task,
      phase: task ? "idea" : null,
      agent: null,
      event: "error",
      detail,
    });
  }
}
