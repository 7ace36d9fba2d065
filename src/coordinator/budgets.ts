/**
 * The daemon's budget check before it claims (config.md `budgets:`): reads the run records only when a
 * day or task budget is set, and hands {@link decide} why nothing (day) or which tasks (task) may not
 * start. The arithmetic is pure, in `lifecycle/budget.ts`.
 *
 * The check runs on every reconcile, over every task's runs; {@link RunRecords} keeps them parsed
 * between reconciles, keyed by each task's `runs/<id>/` folder, so a reconcile costs a `stat` per task
 * rather than a parse of every run record.
 */
import { statSync } from "node:fs";
import { dayBudgetStop, taskBudgetStops } from "../lifecycle/budget.js";
import { type FleetPaths, runsDir } from "../store/paths.js";
import { readRuns } from "../store/read-records.js";
import type { Config } from "../store/schemas/config.js";
import type { Run } from "../store/schemas/run.js";

/** What the budgets forbid now. */
export interface BudgetState {
  /** Why no agent phase may start (the day's budget is spent), or null. */
  budgetStop: string | null;
  /** Tasks that spent their own budget, with why. */
  taskBudgetStops: Map<string, string>;
}

/**
 * A folder changed less than this long ago may change again within the same clock tick without its
 * times moving (file times come from a coarse clock), so it is not trusted to key the cache; ms.
 * This is git's "racily clean" rule.
 */
const RACY_MS = 2_000;

/**
 * The run records of each task, parsed once and read again only when the task's `runs/<id>/` folder
 * changed (its mtime, ctime or inode): every run record is written by an atomic rename, which changes
 * the folder. A folder changed in the last {@link RACY_MS} is read every time. A hand edit made in
 * place to an existing record is not seen until the task's next run.
 */
export class RunRecords {
  private readonly byTask = new Map<string, { stamp: string; runs: Run[] }>();

  constructor(private readonly paths: FleetPaths) {}

  /** The run records of task `id`, in run order; [] when it has none. `now` in ms since the epoch. */
  of(id: string, now = Date.now()): Run[] {
    let stamp = "none";
    let racy = false;
    try {
      const st = statSync(runsDir(this.paths, id));
      stamp = `${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;
      racy = now - Math.max(st.mtimeMs, st.ctimeMs) < RACY_MS;
    } catch {
      // no runs yet
    }
    const cached = this.byTask.get(id);
    if (cached?.stamp === stamp) return cached.runs;
    const runs = stamp === "none" ? [] : readRuns(this.paths, id).map((r) => r.record);
    if (racy) this.byTask.delete(id);
    else this.byTask.set(id, { stamp, runs });
    return runs;
  }
}

/**
 * Checks `config.budgets` against the run records of `taskIds` at `now` (local time of this machine).
 * Reads nothing when neither `per_day_usd` nor `per_task_usd` is set.
 */
export function budgetState(
  records: RunRecords,
  config: Config,
  taskIds: Iterable<string>,
  now: Date,
): BudgetState {
  const { budgets } = config;
  if (budgets.per_day_usd === null && budgets.per_task_usd === null) {
    return { budgetStop: null, taskBudgetStops: new Map() };
  }
  const runs: Run[] = [];
  for (const id of taskIds) runs.push(...records.of(id));
  return {
    budgetStop: dayBudgetStop(budgets, runs, now),
    taskBudgetStops: taskBudgetStops(budgets, runs),
  };
}

/** What `fleet watch` prints about budgets: one line when a stop begins, not on every reconcile. */
export class BudgetNotices {
  private day = false;
  private readonly tasks = new Set<string>();

  /** Calls `say(task, why)` for each stop that began since the last call (task null: the day's). */
  announce(state: BudgetState, say: (task: string | null, why: string) => void): void {
    if (state.budgetStop && !this.day) say(null, `no new work: ${state.budgetStop}`);
    this.day = state.budgetStop !== null;
    for (const [task, why] of state.taskBudgetStops) {
      if (!this.tasks.has(task)) say(task, `not started again: ${why}`);
    }
    this.tasks.clear();
    for (const task of state.taskBudgetStops.keys()) this.tasks.add(task);
  }
}
