/**
 * Money, pure: turning tokens into dollars with the price table of `config.md` (`prices:`, USD per
 * million tokens, keyed by model), adding costs up (a run's cost is what its agent CLI reported; a
 * task's is the sum of all its runs, failed attempts included), and the `fleet cost` report — per
 * shipped task, per phase, per agent and model, per night (the local date a run started).
 * No I/O, no clock.
 */
import type { Cost } from "../store/schemas/common.js";
import type { Config } from "../store/schemas/config.js";
import type { Run } from "../store/schemas/run.js";
import type { Task } from "../store/schemas/task.js";

export type Prices = Config["prices"];
export type Price = Prices[string];

/** A task's rolled-up cost, as its frontmatter holds it. */
export interface TaskCost extends Cost {
  /** Seconds agents ran, summed over runs with a duration. */
  agent_seconds: number;
}

/** A cost with nothing known. */
export function zeroCost(): Cost {
  return { usd: null, input_tokens: null, output_tokens: null };
}

/**
 * The price of `model`: the entry with exactly that name, else the longest entry that prefixes it at a
 * `-`, `@` or `:` boundary (so `gpt-5.5` prices `gpt-5.5-2026-08-01`), else null.
 */
export function priceFor(prices: Prices, model: string | null): Price | null {
  if (!model) return null;
  const exact = prices[model];
  if (exact) return exact;
  let best: string | null = null;
  for (const key of Object.keys(prices)) {
    const boundary = model[key.length];
    if (model.startsWith(key) && (boundary === "-" || boundary === "@" || boundary === ":")) {
      if (best === null || key.length > best.length) best = key;
    }
  }
  return best === null ? null : (prices[best] ?? null);
}

/** Rounds USD to micro-dollars, so sums print without float noise. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}

/**
 * USD for `tokens` of `model` from `prices`, or null when the model has no price or no token count is
 * known. Unknown input or output counts count as 0 when the other is known.
 */
export function usdFromTokens(
  prices: Prices,
  model: string | null,
  tokens: Pick<Cost, "input_tokens" | "output_tokens">,
): number | null {
  const price = priceFor(prices, model);
  if (!price || (tokens.input_tokens === null && tokens.output_tokens === null)) return null;
  const usd =
    ((tokens.input_tokens ?? 0) * price.input_per_mtok +
      (tokens.output_tokens ?? 0) * price.output_per_mtok) /
    1e6;
  return roundUsd(usd);
}

/** `cost` with `usd` filled from the price table when the agent reported tokens but no dollars. */
export function withPrice(cost: Cost, model: string | null, prices: Prices): Cost {
  if (cost.usd !== null) return cost;
  return { ...cost, usd: usdFromTokens(prices, model, cost) };
}

function addNullable(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return a + b;
}

/**
 * The sum of two costs; a field unknown on both sides stays null, and a field known on one side only
 * is that side's figure unchanged (so a CLI's own dollar figure survives adding an unknown).
 */
export function addCosts(a: Cost, b: Cost): Cost {
  const usd = a.usd === null || b.usd === null ? (a.usd ?? b.usd) : roundUsd(a.usd + b.usd);
  return {
    usd,
    input_tokens: addNullable(a.input_tokens, b.input_tokens),
    output_tokens: addNullable(a.output_tokens, b.output_tokens),
  };
}

/**
 * A task's cost from all its runs — every attempt, failed or not, and try-laters that spent tokens —
 * plus the seconds agents ran. This is what the coordinator writes into the task's `cost:`.
 */
export function rollUpCost(runs: readonly Pick<Run, "cost" | "duration_ms">[]): TaskCost {
  let cost = zeroCost();
  let ms = 0;
  for (const run of runs) {
    cost = addCosts(cost, run.cost);
    ms += run.duration_ms ?? 0;
  }
  return { ...cost, agent_seconds: Math.round(ms / 1000) };
}

/** One line of the cost report. `unpriced`: runs that used tokens but have no dollar figure. */
export interface CostRow {
  key: string;
  usd: number;
  input_tokens: number;
  output_tokens: number;
  runs: number;
  unpriced: number;
}

/** A task's line: its row plus what people need to recognise it. */
export interface TaskCostRow extends CostRow {
  title: string;
  shipped: boolean;
  shipped_at: string | null;
  /** Fan-out: the ids of this task's children ([] for a task without any). */
  children: string[];
  /** Fan-out: this task's runs plus all its children's (null for a task without children). */
  with_children: CostRow | null;
}

/** The whole `fleet cost` report. Rows are sorted by key (tasks: shipped first, then by id). */
export interface CostReport {
  total: CostRow;
  tasks: TaskCostRow[];
  phases: CostRow[];
  agents: CostRow[];
  nights: CostRow[];
}

/**
 * The local calendar date (`YYYY-MM-DD`) of an ISO timestamp in `timeZone` (an IANA name; default:
 * the machine's). Runs are grouped into nights by the date they started.
 */
export function localDate(iso: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso.slice(0, 10);
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

function emptyRow(key: string): CostRow {
  return { key, usd: 0, input_tokens: 0, output_tokens: 0, runs: 0, unpriced: 0 };
}

function addRun(row: CostRow, run: Pick<Run, "cost">): void {
  row.runs += 1;
  row.usd = roundUsd(row.usd + (run.cost.usd ?? 0));
  row.input_tokens += run.cost.input_tokens ?? 0;
  row.output_tokens += run.cost.output_tokens ?? 0;
  const usedTokens = (run.cost.input_tokens ?? 0) + (run.cost.output_tokens ?? 0) > 0;
  if (run.cost.usd === null && usedTokens) row.unpriced += 1;
}

/** How a run's agent is named in the report: `planner (claude-code, claude-sonnet-4-5)`. */
export function agentKey(run: Pick<Run, "agent" | "runner" | "model">): string {
  if (!run.agent && !run.runner) return "(no agent)";
  return `${run.agent ?? "?"} (${run.runner ?? "?"}, ${run.model ?? "default model"})`;
}

function group(runs: readonly Run[], keyOf: (run: Run) => string): CostRow[] {
  const rows = new Map<string, CostRow>();
  for (const run of runs) {
    const key = keyOf(run);
    let row = rows.get(key);
    if (!row) {
      row = emptyRow(key);
      rows.set(key, row);
    }
    addRun(row, run);
  }
  return [...rows.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * The cost report over every run record: totals, per task (all its runs, failed attempts included;
 * shipped tasks first; a fanned-out task also with its children's runs rolled up), per phase, per agent + model, and per night in `timeZone`.
 */
export function costReport(
  runs: readonly Run[],
  tasks: readonly (Pick<Task, "id" | "title" | "shipped"> & Partial<Pick<Task, "parent">>)[],
  timeZone?: string,
): CostReport {
  const total = emptyRow("total");
  for (const run of runs) addRun(total, run);
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const kids = new Map<string, string[]>();
  for (const t of tasks) if (t.parent) kids.set(t.parent, [...(kids.get(t.parent) ?? []), t.id]);
  const taskRows: TaskCostRow[] = group(runs, (r) => r.task).map((row) => {
    const task = byId.get(row.key);
    const children = (kids.get(row.key) ?? []).sort();
    let rolled: CostRow | null = null;
    if (children.length > 0) {
      const family = new Set([row.key, ...children]);
      rolled = emptyRow(row.key);
      for (const run of runs) if (family.has(run.task)) addRun(rolled, run);
    }
    return {
      ...row,
      title: task?.title ?? "(task file gone)",
      shipped: Boolean(task?.shipped),
      shipped_at: task?.shipped?.at ?? null,
      children,
      with_children: rolled,
    };
  });
  taskRows.sort(
    (a, b) => Number(b.shipped) - Number(a.shipped) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  return {
    total,
    tasks: taskRows,
    phases: group(runs, (r) => r.phase),
    agents: group(runs, agentKey),
    nights: group(runs, (r) => localDate(r.started, timeZone)),
  };
}
