/**
 * The daemon's budget check before it claims (config.md `budgets:`): reads the run records only when a
 * day or task budget is set, and hands {@link decide} why nothing (day) or which tasks (task) may not
 * start. The arithmetic is pure, in `lifecycle/budget.ts`.
 */
import { dayBudgetStop, taskBudgetStops } from "../lifecycle/budget.js";
import type { FleetPaths } from "../store/paths.js";
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
 * Checks `config.budgets` against the run records of `taskIds` at `now` (local time of this machine).
 * Reads nothing when neither `per_day_usd` nor `per_task_usd` is set.
 */
export function budgetState(
  paths: FleetPaths,
  config: Config,
  taskIds: Iterable<string>,
  now: Date,
): BudgetState {
  const { budgets } = config;
  if (budgets.per_day_usd === null && budgets.per_task_usd === null) {
    return { budgetStop: null, taskBudgetStops: new Map() };
  }
  const runs: Run[] = [];
  for (const id of taskIds) for (const r of readRuns(paths, id)) runs.push(r.record);
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
