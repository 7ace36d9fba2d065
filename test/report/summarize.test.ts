import { describe, expect, it } from "vitest";
import { formatReport } from "../../src/report/format-report.js";
import { summarizeReport } from "../../src/report/summarize.js";
import { runSchema } from "../../src/store/schemas/run.js";
import { makeTask } from "../helpers/fleet-fixtures.js";

const run = (task: string, seq: number, phase: string, fields: Record<string, unknown>) =>
  runSchema.parse({
    task,
    seq,
    phase,
    attempt: 1,
    epoch: seq,
    started: "2026-11-21T02:00:00Z",
    outcome: "finished",
    ...fields,
  });

describe("summarizeReport", () => {
  const tasks = [
    makeTask({
      id: "shipped",
      phase: "done",
      status: "ready",
      shipped: { commit: "abc123", at: "2026-11-21T03:00:00Z" },
    }),
    makeTask({
      id: "old",
      phase: "done",
      status: "ready",
      shipped: { commit: "def456", at: "2026-11-19T03:00:00Z" },
    }),
    makeTask({ id: "plan", phase: "plan", status: "awaiting-approval" }),
    makeTask({ id: "ask", phase: "research", status: "blocked", question: "Redis or Postgres?" }),
    makeTask({
      id: "bad",
      phase: "implement",
      status: "failed",
      reason: "gate test failed 3 times.",
      attempts: { implement: 3 },
    }),
  ];
  const runs = [
    run("shipped", 1, "research", {
      duration_ms: 60_000,
      cost: { usd: 0.1, input_tokens: 1, output_tokens: 1 },
    }),
    run("shipped", 2, "implement", {
      duration_ms: 120_000,
      cost: { usd: 0.3, input_tokens: 1, output_tokens: 1 },
    }),
    run("bad", 1, "implement", {
      outcome: "failed",
      reason: "gate test failed",
      duration_ms: 30_000,
      cost: { usd: 0.05, input_tokens: 1, output_tokens: 1 },
    }),
    run("bad", 2, "implement", { outcome: "try-later", duration_ms: 1_000 }),
    run("old", 1, "implement", {
      started: "2026-11-19T01:00:00Z",
      cost: { usd: 9, input_tokens: 1, output_tokens: 1 },
    }),
  ];
  const r = summarizeReport({
    since: "2026-11-20T20:00:00Z",
    until: "2026-11-21T08:00:00Z",
    tasks,
    runs,
    sizes: new Map([["abc123", { files: 2, added: 10, removed: 3 }]]),
  });

  it("counts only the window: shipped, cost, runs and time per phase", () => {
    expect(r.shipped.map((t) => [t.id, t.commit, t.size])).toEqual([
      ["shipped", "abc123", { files: 2, added: 10, removed: 3 }],
    ]);
    expect(r.cost.total_usd).toBeCloseTo(0.45);
    expect(r.cost.per_task.map((t) => t.id)).toEqual(["shipped", "bad"]);
    expect(r.runs).toEqual({
      total: 4,
      by_outcome: { finished: 2, failed: 1, "try-later": 1 },
      try_later: 1,
    });
    expect(r.phases).toEqual([
      { phase: "research", runs: 1, ms: 60_000 },
      { phase: "implement", runs: 3, ms: 151_000 },
    ]);
  });

  it("lists what waits for the person and what failed, with the command to run next", () => {
    expect(r.waiting.map((t) => [t.id, t.next])).toEqual([
      ["ask", 'fleet answer ask "…"'],
      ["plan", 'fleet show plan && fleet approve plan  (or fleet reject plan -m "…")'],
    ]);
    expect(r.failed).toMatchObject([
      { id: "bad", reason: "gate test failed 3 times.", attempts: 3, next: "fleet retry bad" },
    ]);
    expect(r.failed_runs).toEqual([
      { id: "bad", seq: 1, phase: "implement", outcome: "failed", reason: "gate test failed" },
    ]);
  });

  it("reads as text and as markdown", () => {
    const md = formatReport(r, "markdown");
    expect(md).toContain("## Shipped (1)\n- `shipped` Task shipped — `abc123`, 2 files, +10 −3, $0.40");
    expect(md).toContain(
      '- `ask` Task ask — research / blocked: asks: Redis or Postgres? Next: `fleet answer ask "…"`',
    );
    expect(md).toContain("## Cost: $0.45");
    const text = formatReport(r, "text");
    expect(text).toContain(
      "Failed (1):\n  bad Task bad — implement, 3 attempts: gate test failed 3 times. Next: fleet retry bad",
    );
    expect(text).toContain(
      "Runs: 4 (1 failed, 2 finished, 1 try-later); try-later: 1\n  research: 1 run, 1m00s\n  implement: 3 runs, 2m31s",
    );
  });
});
