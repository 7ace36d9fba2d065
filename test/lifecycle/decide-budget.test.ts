/** decide() with budgets: a spent day stops every agent phase, a spent task stops that task; ship goes on. */
import { describe, expect, it } from "vitest";
import { type DecideInput, decide } from "../../src/lifecycle/decide.js";
import { configSchema } from "../../src/store/schemas/config.js";
import { type Task, taskSchema } from "../../src/store/schemas/task.js";

function task(id: string, fields: Partial<Task> = {}): Task {
  return taskSchema.parse({
    id,
    title: id,
    phase: "idea",
    status: "ready",
    created: "2026-11-20T10:00:00Z",
    ...fields,
  });
}

function input(tasks: Task[], extra: Partial<DecideInput> = {}): DecideInput {
  return {
    now: Date.parse("2026-11-21T03:00:00Z"),
    tasks,
    running: new Set(),
    config: configSchema.parse({ concurrency: 4 }),
    approvedPlans: new Set(),
    executors: new Set(["research", "plan", "implement", "ship"]),
    agents: new Set(["researcher", "planner", "implementer"]),
    retryAt: new Map(),
    ...extra,
  };
}

describe("decide with budgets", () => {
  const tasks = [task("a"), task("b"), task("c", { phase: "ship" })];

  it("starts everything when no budget is spent", () => {
    expect(decide(input(tasks)).start.map((a) => a.taskId)).toEqual(["a", "b", "c"]);
  });

  it("a spent day budget stops agent phases, saying why, but ships what is already paid for", () => {
    const d = decide(input(tasks, { budgetStop: "today's runs cost $5.00, the daily budget is $5.00" }));
    expect(d.start.map((a) => a.taskId)).toEqual(["c"]);
    expect(d.waiting).toEqual([
      {
        taskId: "a",
        phase: "research",
        why: "budget spent: today's runs cost $5.00, the daily budget is $5.00",
      },
      {
        taskId: "b",
        phase: "research",
        why: "budget spent: today's runs cost $5.00, the daily budget is $5.00",
      },
    ]);
  });

  it("a spent task budget stops only that task", () => {
    const d = decide(input(tasks, { taskBudgetStops: new Map([["a", "its runs cost $2.00"]]) }));
    expect(d.start.map((a) => a.taskId)).toEqual(["b", "c"]);
    expect(d.waiting).toEqual([{ taskId: "a", phase: "research", why: "budget spent: its runs cost $2.00" }]);
  });
});
