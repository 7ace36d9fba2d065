import { describe, expect, it } from "vitest";
import {
  attemptOverBudget,
  dayBudgetStop,
  taskBudgetStop,
  taskBudgetStops,
} from "../../src/lifecycle/budget.js";
import {
  addCosts,
  agentKey,
  costReport,
  localDate,
  priceFor,
  rollUpCost,
  type TaskCost,
  usdFromTokens,
  withPrice,
} from "../../src/lifecycle/cost.js";
import { type Run, runSchema } from "../../src/store/schemas/run.js";

const prices = {
  "gpt-5.5": { input_per_mtok: 2, output_per_mtok: 10 },
  "gpt-5.5-mini": { input_per_mtok: 0.5, output_per_mtok: 2 },
};

function run(fields: Partial<Run> & { task: string; seq: number }): Run {
  return runSchema.parse({
    phase: "implement",
    agent: "implementer",
    runner: "claude-code",
    model: "claude-sonnet-4-5",
    attempt: 1,
    epoch: 1,
    started: "2026-11-20T22:00:00Z",
    outcome: "finished",
    ...fields,
  });
}

describe("pricing", () => {
  it("finds exact prices, then the longest prefix at a version boundary", () => {
    expect(priceFor(prices, "gpt-5.5")).toEqual(prices["gpt-5.5"]);
    expect(priceFor(prices, "gpt-5.5-mini-2026-09-01")).toEqual(prices["gpt-5.5-mini"]);
    expect(priceFor(prices, "gpt-5.5-2026-09-01")).toEqual(prices["gpt-5.5"]);
    expect(priceFor(prices, "gpt-5.55")).toBeNull();
    expect(priceFor(prices, null)).toBeNull();
  });

  it("turns tokens into dollars per million, and leaves unknowns unknown", () => {
    expect(usdFromTokens(prices, "gpt-5.5", { input_tokens: 5000, output_tokens: 400 })).toBe(0.014);
    expect(usdFromTokens(prices, "gpt-5.5", { input_tokens: null, output_tokens: 1_000_000 })).toBe(10);
    expect(usdFromTokens(prices, "unknown", { input_tokens: 5, output_tokens: 5 })).toBeNull();
    expect(usdFromTokens(prices, "gpt-5.5", { input_tokens: null, output_tokens: null })).toBeNull();
  });

  it("withPrice keeps a reported dollar figure and fills a missing one", () => {
    expect(withPrice({ usd: 0.5, input_tokens: 1, output_tokens: 1 }, "gpt-5.5", prices).usd).toBe(0.5);
    expect(withPrice({ usd: null, input_tokens: 1e6, output_tokens: 0 }, "gpt-5.5", prices).usd).toBe(2);
  });
});

describe("roll-ups", () => {
  it("adds costs, null only where both sides are unknown", () => {
    expect(
      addCosts(
        { usd: 0.1, input_tokens: null, output_tokens: 5 },
        { usd: 0.2, input_tokens: null, output_tokens: null },
      ),
    ).toEqual({
      usd: 0.3,
      input_tokens: null,
      output_tokens: 5,
    });
  });

  it("a task's cost includes failed attempts and try-laters that used tokens", () => {
    const runs = [
      run({
        task: "t",
        seq: 1,
        phase: "research",
        cost: { usd: 0.1, input_tokens: 1000, output_tokens: 100 },
        duration_ms: 30_000,
      }),
      run({
        task: "t",
        seq: 2,
        outcome: "failed",
        cost: { usd: 0.25, input_tokens: 5000, output_tokens: 500 },
        duration_ms: 60_400,
      }),
      run({
        task: "t",
        seq: 3,
        outcome: "try-later",
        cost: { usd: 0, input_tokens: 0, output_tokens: 0 },
        duration_ms: 100,
      }),
      run({
        task: "t",
        seq: 4,
        cost: { usd: 0.2, input_tokens: 4000, output_tokens: 400 },
        duration_ms: 50_000,
      }),
    ];
    const expected: TaskCost = { usd: 0.55, input_tokens: 10_000, output_tokens: 1000, agent_seconds: 141 };
    expect(rollUpCost(runs)).toEqual(expected);
    expect(rollUpCost([])).toEqual({ usd: null, input_tokens: null, output_tokens: null, agent_seconds: 0 });
  });
});

describe("costReport", () => {
  const runs = [
    run({
      task: "a",
      seq: 1,
      phase: "research",
      agent: "researcher",
      started: "2026-11-20T21:30:00Z",
      cost: { usd: 0.1, input_tokens: 1000, output_tokens: 10 },
    }),
    run({
      task: "a",
      seq: 2,
      outcome: "failed",
      started: "2026-11-20T23:30:00Z",
      cost: { usd: 0.3, input_tokens: 3000, output_tokens: 30 },
    }),
    run({
      task: "b",
      seq: 1,
      runner: "codex",
      model: "gpt-5.5",
      started: "2026-11-21T08:00:00Z",
      cost: { usd: null, input_tokens: 500, output_tokens: 5 },
    }),
    run({
      task: "c",
      seq: 1,
      phase: "plan",
      agent: "planner",
      model: null,
      started: "2026-11-21T09:00:00Z",
      cost: { usd: 0.05, input_tokens: 100, output_tokens: 1 },
    }),
  ];
  const tasks = [
    { id: "a", title: "Alpha", shipped: { commit: "abc", at: "2026-11-21T02:00:00Z" } },
    { id: "b", title: "Beta", shipped: null },
    { id: "c", title: "Gamma", shipped: { commit: "def", at: "2026-11-21T10:00:00Z" } },
  ];

  it("totals, shipped tasks first, phases, agents with models, unpriced runs counted", () => {
    const report = costReport(runs, tasks, "UTC");
    expect(report.total).toMatchObject({
      usd: 0.45,
      input_tokens: 4600,
      output_tokens: 46,
      runs: 4,
      unpriced: 1,
    });
    expect(report.tasks.map((t) => [t.key, t.shipped, t.usd, t.runs])).toEqual([
      ["a", true, 0.4, 2],
      ["c", true, 0.05, 1],
      ["b", false, 0, 1],
    ]);
    expect(report.phases.map((p) => [p.key, p.usd])).toEqual([
      ["implement", 0.3],
      ["plan", 0.05],
      ["research", 0.1],
    ]);
    expect(report.agents.map((a) => a.key)).toEqual([
      "implementer (claude-code, claude-sonnet-4-5)",
      "implementer (codex, gpt-5.5)",
      "planner (claude-code, default model)",
      "researcher (claude-code, claude-sonnet-4-5)",
    ]);
  });

  it("groups nights by the local date a run started", () => {
    expect(costReport(runs, tasks, "UTC").nights.map((n) => [n.key, n.runs])).toEqual([
      ["2026-11-20", 2],
      ["2026-11-21", 2],
    ]);
    // In Tokyo (UTC+9) the 21:30Z and 23:30Z runs started on the 21st.
    expect(costReport(runs, tasks, "Asia/Tokyo").nights.map((n) => [n.key, n.runs])).toEqual([
      ["2026-11-21", 4],
    ]);
    expect(localDate("2026-11-20T23:30:00Z", "America/Los_Angeles")).toBe("2026-11-20");
  });

  it("names runs without an agent", () => {
    expect(agentKey({ agent: null, runner: null, model: null })).toBe("(no agent)");
  });
});

describe("budgets", () => {
  const budgets = { per_attempt_usd: 1, per_task_usd: 2, per_day_usd: 5 };
  const day = (started: string, usd: number) =>
    run({ task: "x", seq: 1, started, cost: { usd, input_tokens: 1, output_tokens: 1 } });

  it("stops claiming for the day once today's runs spent the daily budget", () => {
    const now = new Date("2026-11-21T10:00:00Z");
    expect(dayBudgetStop(budgets, [day("2026-11-21T01:00:00Z", 4.99)], now, "UTC")).toBeNull();
    const why = dayBudgetStop(
      budgets,
      [day("2026-11-21T01:00:00Z", 3), day("2026-11-21T09:00:00Z", 2), day("2026-11-20T09:00:00Z", 100)],
      now,
      "UTC",
    );
    expect(why).toContain("today's runs cost $5.00");
    expect(why).toContain("budgets.per_day_usd");
    expect(
      dayBudgetStop({ ...budgets, per_day_usd: null }, [day("2026-11-21T01:00:00Z", 99)], now, "UTC"),
    ).toBeNull();
  });

  it("stops a task once its runs spent the task budget", () => {
    const runs = [
      run({ task: "x", seq: 1, cost: { usd: 1.5, input_tokens: 1, output_tokens: 1 } }),
      run({ task: "y", seq: 1, cost: { usd: 0.5, input_tokens: 1, output_tokens: 1 } }),
    ];
    expect(taskBudgetStop(budgets, runs.slice(0, 1))).toBeNull();
    const more = [...runs, run({ task: "x", seq: 2, cost: { usd: 0.6, input_tokens: 1, output_tokens: 1 } })];
    const stops = taskBudgetStops(budgets, more);
    expect([...stops.keys()]).toEqual(["x"]);
    expect(stops.get("x")).toContain("budgets.per_task_usd");
  });

  it("flags an attempt that cost more than the per-attempt budget", () => {
    expect(attemptOverBudget(budgets, { cost: { usd: 1.01, input_tokens: 1, output_tokens: 1 } })).toBe(true);
    expect(attemptOverBudget(budgets, { cost: { usd: 1, input_tokens: 1, output_tokens: 1 } })).toBe(false);
    expect(
      attemptOverBudget(
        { ...budgets, per_attempt_usd: null },
        { cost: { usd: 9, input_tokens: 1, output_tokens: 1 } },
      ),
    ).toBe(false);
  });
});
