/** decide() with budgets: a spent day stops every agent phase, a spent task stops that task; ship goes on. */
import { describe, expect, it } from "vitest";
import { type DecideInput, decide } from "../../src/lifecycle/decide.js";
import type { Task } from "../../src/store/schemas/task.js";
import { input, task } from "./decide-fixture.js";

/** The decide test input, with a ship executor too: budgets never stop a ship. */
const withShip = (tasks: Task[], over: Partial<DecideInput> = {}) =>
  input(tasks, { executors: new Set(["research", "plan", "implement", "ship"]), ...over });

describe("decide with budgets", () => {
  const tasks = [task("a"), task("b"), task("c", { phase: "ship" })];

  it("starts everything when no budget is spent", () => {
    expect(decide(withShip(tasks)).start.map((a) => a.taskId)).toEqual(["a", "b", "c"]);
  });

  it("a spent day budget stops agent phases, saying why, but ships what is already paid for", () => {
    const d = decide(withShip(tasks, { budgetStop: "today's runs cost $5.00, the daily budget is $5.00" }));
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
    const d = decide(withShip(tasks, { taskBudgetStops: new Map([["a", "its runs cost $2.00"]]) }));
    expect(d.start.map((a) => a.taskId)).toEqual(["b", "c"]);
    expect(d.waiting).toEqual([{ taskId: "a", phase: "research", why: "budget spent: its runs cost $2.00" }]);
  });
});
