import { describe, expect, it } from "vitest";
import { addCost, settleRun, startRun } from "../../src/lifecycle/run-transitions.js";
import { taskSchema } from "../../src/store/schemas/task.js";

const now = new Date("2026-11-21T03:00:00Z");
const base = taskSchema.parse({ id: "a", title: "A", phase: "idea", status: "ready" });
const opts = { maxAttempts: 2, now };

describe("run transitions", () => {
  it("claims an idea into research / running", () => {
    expect(startRun(base, "research", now)).toMatchObject({
      phase: "research",
      status: "running",
      updated: "2026-11-21T03:00:00Z",
    });
  });

  it("advances on success and counts the attempt", () => {
    const t = startRun(base, "research", now);
    const s = settleRun(t, "research", { kind: "advance", phase: "plan", status: "ready" }, opts);
    expect(s.task).toMatchObject({ phase: "plan", status: "ready", attempts: { research: 1 } });
    expect(s).toMatchObject({ outcome: "finished", event: "researched" });
  });

  it("retries a failure, then fails at max_attempts with the reason", () => {
    const t = startRun({ ...base, phase: "plan" }, "plan", now);
    const once = settleRun(t, "plan", { kind: "failed", outcome: "failed", reason: "no plan.md" }, opts);
    expect(once.task).toMatchObject({
      phase: "plan",
      status: "ready",
      attempts: { plan: 1 },
      reason: "no plan.md",
    });
    expect(once.event).toBe("retrying");
    const twice = settleRun(
      once.task,
      "plan",
      { kind: "failed", outcome: "timeout", reason: "idle 5m" },
      opts,
    );
    expect(twice.task.status).toBe("failed");
    expect(twice.task.reason).toBe("plan failed 2 times; last: idle 5m");
    expect(twice).toMatchObject({ outcome: "timeout", event: "failed" });
  });

  it("blocks on a question (an attempt) and on a setup problem (not an attempt)", () => {
    const t = startRun(base, "research", now);
    const q = settleRun(t, "research", { kind: "question", question: "Which API?" }, opts);
    expect(q.task).toMatchObject({ status: "blocked", question: "Which API?", attempts: { research: 1 } });
    const b = settleRun(t, "research", { kind: "blocked", reason: "claude is not installed" }, opts);
    expect(b.task).toMatchObject({ status: "blocked", reason: "claude is not installed", attempts: {} });
  });

  it("does not count try-later or interruptions", () => {
    const t = startRun(base, "research", now);
    for (const end of [
      { kind: "try-later", reason: "rate limited" },
      { kind: "interrupted", reason: "daemon stopped" },
    ] as const) {
      const s = settleRun(t, "research", end, opts);
      expect(s.task).toMatchObject({ phase: "research", status: "ready", attempts: {} });
    }
  });

  it("adds cost, keeping unknown figures null", () => {
    const c = addCost(base, { usd: 0.25, input_tokens: null, output_tokens: 10 }, 1500);
    expect(c).toEqual({ usd: 0.25, input_tokens: null, output_tokens: 10, agent_seconds: 1.5 });
  });
});
