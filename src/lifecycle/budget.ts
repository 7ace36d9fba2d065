/**
 * Spending limits from `config.md` (`budgets:`), pure. The daemon asks before claiming:
 * - `per_day_usd`: runs started today (local date) together cost this much → no new claims today;
 * - `per_task_usd`: a task's runs together cost this much → that task is not claimed again.
 * `per_attempt_usd` is enforced inside the attempt by runners whose CLI can stop itself
 * (claude `--max-budget-usd`); {@link attemptOverBudget} says when a finished attempt went over it.
 * Raising a limit in config.md lifts the stop at the next reconcile: nothing is stored.
 */
import type { Config } from "../store/schemas/config.js";
import type { Run } from "../store/schemas/run.js";
import { localDate, roundUsd } from "./cost.js";

export type Budgets = Config["budgets"];

type CostedRun = Pick<Run, "cost" | "started">;

function spent(runs: readonly Pick<Run, "cost">[]): number {
  return roundUsd(runs.reduce((sum, r) => sum + (r.cost.usd ?? 0), 0));
}

function usd(n: number): string {
  return `$${n.toFixed(n >= 0.1 ? 2 : 4)}`;
}

/**
 * Why no task may be claimed now, or null: the runs started on today's local date (`now`, in
 * `timeZone`, default the machine's) have spent `per_day_usd`.
 */
export function dayBudgetStop(
  budgets: Budgets,
  runs: readonly CostedRun[],
  now: Date,
  timeZone?: string,
): string | null {
  if (budgets.per_day_usd === null) return null;
  const today = localDate(now.toISOString(), timeZone);
  const total = spent(runs.filter((r) => localDate(r.started, timeZone) === today));
  if (total < budgets.per_day_usd) return null;
  return (
    `today's runs cost ${usd(total)}, the daily budget is ${usd(budgets.per_day_usd)} ` +
    "(budgets.per_day_usd in .fleet/config.md): no new work until tomorrow or until it is raised"
  );
}

/** Why `taskRuns`' task may not be claimed again, or null: together they spent `per_task_usd`. */
export function taskBudgetStop(budgets: Budgets, taskRuns: readonly Pick<Run, "cost">[]): string | null {
  if (budgets.per_task_usd === null) return null;
  const total = spent(taskRuns);
  if (total < budgets.per_task_usd) return null;
  return (
    `its runs cost ${usd(total)}, the task budget is ${usd(budgets.per_task_usd)} ` +
    "(budgets.per_task_usd in .fleet/config.md): raise it to let the task continue"
  );
}

/**
 * Per task id, why it may not be claimed (task budget spent); tasks within budget are absent.
 * `runs` may hold every task's runs.
 */
export function taskBudgetStops(
  budgets: Budgets,
  runs: readonly Pick<Run, "task" | "cost">[],
): Map<string, string> {
  const stops = new Map<string, string>();
  if (budgets.per_task_usd === null) return stops;
  const byTask = new Map<string, Pick<Run, "cost">[]>();
  for (const run of runs) {
    const list = byTask.get(run.task) ?? [];
    list.push(run);
    byTask.set(run.task, list);
  }
  for (const [task, list] of byTask) {
    const why = taskBudgetStop(budgets, list);
    if (why) stops.set(task, why);
  }
  return stops;
}

/** True when one attempt cost more than `per_attempt_usd` (e.g. a runner that cannot stop itself). */
export function attemptOverBudget(budgets: Budgets, run: Pick<Run, "cost">): boolean {
  return budgets.per_attempt_usd !== null && (run.cost.usd ?? 0) > budgets.per_attempt_usd;
}
