/**
 * Watching review branches (`ship.mode: branch`): each reconcile hands the tasks over; for those at
 * `ship / awaiting-merge` it looks whether the base holds the change (find-merge.ts) — after fetching the
 * base and `fleet/*` from `remote:` when one is set, at most once per `rescan` interval — and lands
 * `done` (event `shipped`) when it does. A review branch that is gone without the base holding the
 * change leaves the task waiting, with `review_branch.gone` and a reason saying what a person can do
 * (event `branch-gone`); one that comes back clears them (`branch-back`).
 *
 * No task awaiting a merge: no git at all. The check runs beside the reconcile, never inside it, so a
 * slow remote delays no claim; {@link MergeWatch.settle} waits for it.
 */
import { commitFleet } from "../git/commit-fleet.js";
import { git } from "../git/run-git.js";
import { isAwaitingMerge, markBranchGone, markMerged } from "../lifecycle/await-merge.js";
import { fetchReviewRefs, trackingRef } from "../remote/fetch-review-refs.js";
import { relativeToRoot, taskPath } from "../store/paths.js";
import { nowTimestamp } from "../store/phases.js";
import { readTask } from "../store/read-tasks.js";
import type { Config } from "../store/schemas/config.js";
import type { Task } from "../store/schemas/task.js";
import { withStateLock } from "../store/state-lock.js";
import { writeTask } from "../store/write-records.js";
import type { CoordinatorContext } from "./context.js";
import { type BaseDelta, baseDelta, changedPathsOf, findMerge, findMergeSince } from "./find-merge.js";
import { forgetGatePass } from "./ship-cache.js";
import { cleanUpShipped } from "./ship-task.js";

/** Sees review branches merged or gone; one instance per coordinator. */
export class MergeWatch {
  /** Per task: the base tip at which its change (`commit`) was last found not merged, and the paths it touches. */
  private readonly looked = new Map<string, { base: string; commit: string; changed: string[] }>();
  private lastFetch = new Map<string, number>();
  private fetchProblem: string | null = null;
  private running: Promise<void> | null = null;
  /** Tasks changed since the last {@link MergeWatch.settle}. */
  private landed = 0;

  constructor(
    private readonly ctx: CoordinatorContext,
    /** Called with the task file of every task this changed (the index re-reads it, the loop wakes). */
    private readonly changed: (file: string) => void,
  ) {}

  /** Starts a check of `tasks` unless one is under way; returns at once. */
  poke(tasks: readonly Task[], config: Config): void {
    if (this.running || !tasks.some(isAwaitingMerge)) return;
    this.running = this.check(tasks, config)
      .catch((err) => this.emit(null, "error", `could not check review branches: ${(err as Error).message}`))
      .finally(() => {
        this.running = null;
      });
  }

  /** Waits for the check under way, if any. @returns true when a check changed a task since the last call. */
  async settle(): Promise<boolean> {
    await this.running;
    const changed = this.landed > 0;
    this.landed = 0;
    return changed;
  }

  /**
   * One check: see the module comment. `force` fetches even within the `rescan` interval.
   * @throws GitError when git fails unexpectedly in this clone.
   */
  async check(tasks: readonly Task[], config: Config, opts: { force?: boolean } = {}): Promise<void> {
    const waiting = tasks.filter((t) => isAwaitingMerge(t) && t.review_branch);
    if (waiting.length === 0) return;
    const root = this.ctx.repo.root;
    const base = config.base;
    for (const remote of new Set(waiting.map((t) => t.review_branch?.remote ?? null))) {
      if (remote) {
        const now = this.ctx.now().getTime();
        const last = this.lastFetch.get(remote) ?? Number.NEGATIVE_INFINITY;
        if (!opts.force && now - last < config.rescan) continue;
        this.lastFetch.set(remote, now);
        const problem = await fetchReviewRefs(root, remote, base);
        if (problem !== this.fetchProblem && problem) this.emit(null, "problem", problem);
        this.fetchProblem = problem;
        if (problem) continue;
      }
      const baseRef = remote ? trackingRef(remote, base) : `refs/heads/${base}`;
      const fleetRefs = remote ? trackingRef(remote, "fleet/") : "refs/heads/fleet/";
      const out = await git(["for-each-ref", "--format=%(objectname) %(refname)", baseRef, fleetRefs], {
        cwd: root,
      });
      const tips = new Map(
        out.stdout
          .split("\n")
          .filter(Boolean)
          .map((l) => [l.slice(41), l.slice(0, 40)] as const),
      );
      const baseTip = tips.get(baseRef);
      if (!baseTip) continue;
      const deltas = new Map<string, Promise<BaseDelta | null>>();
      for (const task of waiting.filter((t) => (t.review_branch?.remote ?? null) === remote)) {
        const review = task.review_branch;
        if (!review) continue;
        const branchRef = remote ? trackingRef(remote, review.branch) : `refs/heads/${review.branch}`;
        const branchTip = tips.get(branchRef) ?? null;
        const merged = await this.lookForMerge(task.id, review, baseTip, deltas);
        const where = remote ?? "this clone";
        if (merged) {
          this.looked.delete(task.id);
          await this.land(task, review.commit, (t, at) => markMerged(t, merged.commit, merged.by, at), {
            event: "shipped",
            body: `${review.branch} merged into ${base}${remote ? ` on ${remote}` : ""} (seen by ${merged.by}) as ${merged.commit}`,
          });
          await cleanUpShipped(this.ctx.repo, task.id);
          forgetGatePass(this.ctx.repo, task.id);
        } else if (branchTip === null && review.gone === null) {
          await this.land(task, review.commit, (t, at) => markBranchGone(t, at, where, base), {
            event: "branch-gone",
            body: `${review.branch} is gone from ${where}; ${base} does not hold the change`,
          });
        } else if (branchTip !== null && review.gone !== null) {
          await this.land(task, review.commit, (t) => markBranchGone(t, null, where, base), {
            event: "branch-back",
            body: `${review.branch} is back on ${where}`,
          });
        }
      }
    }
    const awaiting = new Set(waiting.map((t) => t.id));
    for (const id of this.looked.keys()) if (!awaiting.has(id)) this.looked.delete(id);
  }

  /**
   * Whether `baseTip` holds task `id`'s change: nothing to do when it was found not merged at this very
   * tip; only what the base gained since when it was found not merged at an earlier one (one shared
   * {@link baseDelta} per earlier tip, in `deltas`); else the whole range ({@link findMerge}).
   */
  private async lookForMerge(
    id: string,
    review: NonNullable<Task["review_branch"]>,
    baseTip: string,
    deltas: Map<string, Promise<BaseDelta | null>>,
  ) {
    const repo = this.ctx.repo;
    const last = this.looked.get(id);
    const known = last?.commit === review.commit ? last : null;
    if (known?.base === baseTip) return null;
    const changed = known?.changed ?? (await changedPathsOf(repo, review));
    let delta: BaseDelta | null = null;
    if (known) {
      let pending = deltas.get(known.base);
      if (!pending) {
        pending = baseDelta(repo, known.base, baseTip);
        deltas.set(known.base, pending);
      }
      delta = await pending;
    }
    const merged = delta
      ? await findMergeSince(repo, id, review, changed, delta)
      : await findMerge(repo, id, review, baseTip, changed);
    this.looked.set(id, { base: baseTip, commit: review.commit, changed });
    return merged;
  }

  /**
   * Applies `apply` to the task as it is now, if it still awaits the merge of `commit`, and commits it.
   * With a remote (`ctx.remote`), every machine's daemon watches the same branches: the change is
   * first claimed on the remote at the next epoch — one machine wins, the others leave it — and the
   * commit carries that epoch, so publishing it releases the claim, or drops it when another machine
   * took the task over meanwhile (src/remote/publish.ts).
   */
  private async land(
    seen: Task,
    commit: string,
    apply: (task: Task, at: string) => Task,
    event: { event: string; body: string },
  ): Promise<void> {
    const { repo, paths } = this.ctx;
    const remote = this.ctx.remote ?? null;
    const file = taskPath(paths, seen.id);
    let epoch: number | undefined;
    if (remote) {
      epoch = remote.epochOf(seen.id) + 1;
      try {
        if (!(await remote.claim(seen.id, "ship", epoch))) return;
      } catch {
        return; // unreachable: the next tick tries again
      }
    }
    const done = await withStateLock(repo.commonDir, async () => {
      const read = readTask(paths, seen.id);
      if (!read?.ok) return false;
      const task = read.task.record;
      if (!isAwaitingMerge(task) || task.review_branch?.commit !== commit) return false;
      const next = apply(task, nowTimestamp(this.ctx.now()));
      await writeTask(paths, next, read.task.body);
      await commitFleet(repo, {
        event: {
          task: task.id,
          phase: "ship",
          title: task.title,
          ...(epoch !== undefined ? { epoch } : {}),
          ...event,
        },
        paths: [relativeToRoot(repo.root, file)],
      });
      return true;
    });
    if (remote) {
      try {
        if (!done) await remote.release(seen.id);
        else if ((await remote.publish()).fenced.some((f) => f.task === seen.id && f.epoch === epoch)) return;
      } catch {
        // unreachable: the daemon's next sync publishes the commit (still only under this epoch's claim)
      }
    }
    if (!done) return;
    this.landed++;
    this.emit(seen.id, event.event, event.body);
    this.changed(file);
  }

  private emit(task: string | null, event: string, detail: string): void {
    this.ctx.emit({ at: this.ctx.now(), task, phase: task ? "ship" : null, agent: null, event, detail });
  }
}
