/** Inputs for decide() tests: tasks from a few fields, and a decision input with test defaults. */
import type { DecideInput } from "../../src/lifecycle/decide.js";
import { configSchema } from "../../src/store/schemas/config.js";
import { type Task, taskSchema } from "../../src/store/schemas/task.js";

/** The clock of every decide test, ms since the epoch. */
export const NOW = Date.parse("2026-11-21T03:00:00Z");

/** A valid task `id`, `idea / ready` unless `fields` say otherwise. */
export function task(id: string, fields: Record<string, unknown> = {}): Task {
  return taskSchema.parse({
    id,
    title: id,
    phase: "idea",
    status: "ready",
    created: "2026-11-20T10:00:00Z",
    ...fields,
  });
}

/**
 * A decide input over `tasks`: nothing running, concurrency 4, no approvals or back-offs, agents for
 * research, plan and implement, and executors for those phases (not ship); `over` replaces any of it.
 */
export function input(tasks: Task[], over: Partial<DecideInput> = {}): DecideInput {
  return {
    now: NOW,
    tasks,
    running: new Set(),
    config: configSchema.parse({ concurrency: 4 }),
    approvedPlans: new Set(),
    executors: new Set(["research", "plan", "implement"]),
    agents: new Set(["researcher", "planner", "implementer"]),
    retryAt: new Map(),
    ...over,
  };
}
