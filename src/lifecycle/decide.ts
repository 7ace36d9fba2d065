/**
 * The decision core: from the loaded state, which tasks to start now, in which phase, with which
 * agent. Pure — no I/O, no clock (`now` comes in) — and idempotent: the same input always gives the
 * same actions, and a task already running is never started again.
 *
 * Rules (AGENTS.md, lifecycle table): a task runs when its `status` is `ready`; `idea / ready` starts
 * research, `<phase> / ready` starts that phase. It waits while any `depends_on` task is not `done`,
 * while it is backed off (try later), while its `touches` overlap a running or just-started task,
 * while its implement phase lacks an approved plan (unless `review.plan: auto`, or `review.children:
 * auto` for a child task), while the phase's
 * agent file is missing or no executor handles the phase, while a budget is spent (the day's, or the
 * task's), and while all `concurrency` slots are taken. Ships exclude each other: the merge queue
 * rule is in `./ship-queue.ts` (one ship or one batch at a time; a waiting ship is never started).
 * Candidates are taken in order: priority 0 first, then the oldest `created`, then id.
 */

import type { Phase, WorkPhase } from "../store/schemas/common.js";
import type { Config } from "../store/schemas/config.js";
import type { Task } from "../store/schemas/task.js";
import { planApprovedAutomatically } from "./children.js";
import { shipQueue } from "./ship-queue.js";
import { touchesOverlap } from "./touches.js";

/** Phases whose work is done by an agent named in `config.agents`. */
export const AGENT_PHASES: ReadonlySet<WorkPhase> = new Set(["research", "plan", "implement"]);

/** Everything {@link decide} looks at. */
export interface DecideInput {
  /** Now, in ms since the Unix epoch (only compared with `retryAt`). */
  now: number;
  /** Every task that loaded (tasks that failed to validate are not here). */
  tasks: readonly Task[];
  /** Ids of tasks holding a live claim, in any phase: they count against `concurrency` and `touches`. */
  running: ReadonlySet<string>;
  /**
   * Ids of tasks another machine holds a claim on (remote mode): never started here, and their
   * `touches` count, but not against this daemon's `concurrency`.
   */
  elsewhere?: ReadonlySet<string>;
  config: Pick<Config, "concurrency" | "agents" | "review">;
  /**
   * Tasks whose plan carries a current approval (needed for implement under `review.plan: person`).
   * Asked only for tasks ready to implement; a Set will do, or a lookup that must answer the same
   * for the same id within one call.
   */
  approvedPlans: { has(id: string): boolean };
  /** Phases with an executor registered; a task ready in another phase rests there. */
  executors: ReadonlySet<WorkPhase>;
  /** Names of the agent definitions that exist and validate (`.fleet/agents/<name>.md`). */
  agents: ReadonlySet<string>;
  /** Back-off: a task is not started before this time (ms since the epoch). */
  retryAt: ReadonlyMap<string, number>;
  /** When set, no agent phase is started: why (the daily budget is spent; see `lifecycle/budget.ts`). */
  budgetStop?: string | null;
  /** Tasks whose agent phases are not started because they spent their budget, with why. */
  taskBudgetStops?: ReadonlyMap<string, string>;
  /** The most ships one ship run takes (`ship.batch`, or 1 where batching cannot apply). Default 1. */
  shipBatch?: number;
  /** Running tasks that ride in another task's ship batch: they hold no slot of their own. */
  riding?: ReadonlySet<string>;
}

/** Start `taskId` in `phase`; `agent` is the agent's name, or null for phases without one (ship). */
export interface Action {
  taskId: string;
  phase: WorkPhase;
  agent: string | null;
  /** Ship only: the other ready ships that ride in this one's batch (`ship.batch`), in queue order. */
  batch?: string[];
}

/** A ready task that was not started, and why — one short phrase for people. */
export interface Waiting {
  taskId: string;
  phase: WorkPhase;
  why: string;
}

/** What to start now (in start order) and why every other ready task waits. */
export interface Decision {
  start: Action[];
  waiting: Waiting[];
}

/** The phase a ready task starts next, or null when it has none (done, dropped). */
export function phaseToRun(phase: Phase): WorkPhase | null {
  switch (phase) {
    case "idea":
    case "research":
      return "research";
    case "plan":
    case "implement":
    case "ship":
      return phase;
    default:
      return null;
  }
}

/** Orders candidates: priority (0 first), then oldest `created` (missing = last), then id. */
export function compareTasks(a: Task, b: Task): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  const ca = a.created ?? "\uffff";
  const cb = b.created ?? "\uffff";
  if (ca !== cb) return ca < cb ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Why `task`'s dependencies hold it back, or null when every one is `done`. */
export function unmetDependency(task: Task, byId: ReadonlyMap<string, Task>): string | null {
  for (const dep of task.depends_on) {
    const other = byId.get(dep);
    if (!other) return `depends on ${dep}, which does not exist`;
    if (other.phase === "dropped") return `depends on ${dep}, which was dropped`;
    if (other.phase !== "done") return `depends on ${dep} (${other.phase} / ${other.status})`;
  }
  return null;
}

/**
 * Decides which ready tasks to start now. See the module comment for the rules.
 * @returns the actions in start order and a reason for every ready task left waiting.
 */
export function decide(input: DecideInput): Decision {
  const byId = new Map(input.tasks.map((t) => [t.id, t]));
  const occupied: Task[] = [];
  const elsewhere = input.elsewhere ?? new Set<string>();
  for (const id of [...input.running, ...elsewhere]) {
    const t = byId.get(id);
    if (t) occupied.push(t);
  }
  let slots = input.config.concurrency - input.running.size + (input.riding?.size ?? 0);
  const ships = shipQueue(occupied, input.shipBatch ?? 1);
  const candidates = input.tasks
    .filter(
      (t) =>
        t.status === "ready" &&
        !input.running.has(t.id) &&
        !elsewhere.has(t.id) &&
        phaseToRun(t.phase) !== null,
    )
    .sort(compareTasks);
  const start: Action[] = [];
  const waiting: Waiting[] = [];
  for (const task of candidates) {
    const phase = phaseToRun(task.phase) as WorkPhase;
    const agent = AGENT_PHASES.has(phase) ? input.config.agents[phase as "research"] : null;
    const rides = phase === "ship" && ships.hasRoom();
    const queued = phase === "ship" ? ships.whyWait() : null;
    const why = whyWait(task, phase, agent, input, byId, occupied, rides || queued ? 1 : slots) ?? queued;
    if (why) {
      waiting.push({ taskId: task.id, phase, why });
      continue;
    }
    occupied.push(task);
    if (rides) {
      ships.join(task.id);
      continue;
    }
    if (phase === "ship") ships.lead(task.id);
    start.push({ taskId: task.id, phase, agent });
    slots--;
  }
  const riders = ships.riders();
  if (riders.length > 0) {
    const leader = start.find((a) => a.phase === "ship");
    if (leader) leader.batch = riders;
  }
  return { start, waiting };
}

function whyWait(
  task: Task,
  phase: WorkPhase,
  agent: string | null,
  input: DecideInput,
  byId: ReadonlyMap<string, Task>,
  occupied: readonly Task[],
  slots: number,
): string | null {
  if (!input.executors.has(phase)) return `nothing runs the ${phase} phase here yet`;
  if (agent !== null && !input.agents.has(agent)) return `no valid agent file .fleet/agents/${agent}.md`;
  if (
    phase === "implement" &&
    !planApprovedAutomatically(task, input.config.review) &&
    !input.approvedPlans.has(task.id)
  )
    return "the plan has no current approval (fleet approve)";
  const dep = unmetDependency(task, byId);
  if (dep) return dep;
  // Budgets stop new agent work; shipping what is already paid for costs nothing more.
  if (agent !== null && input.budgetStop) return `budget spent: ${input.budgetStop}`;
  const spent = agent !== null ? input.taskBudgetStops?.get(task.id) : undefined;
  if (spent) return `budget spent: ${spent}`;
  const retryAt = input.retryAt.get(task.id);
  if (retryAt !== undefined && input.now < retryAt)
    return `backed off until ${new Date(retryAt).toISOString().slice(0, 19)}Z`;
  const clash = occupied.find((o) => o.id !== task.id && touchesOverlap(o.touches, task.touches));
  if (clash) return `touches overlap ${clash.id}, which is running`;
  if (slots <= 0) return `all ${input.config.concurrency} slots are busy`;
  return null;
}
