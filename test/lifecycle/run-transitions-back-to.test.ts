import { describe, expect, it } from "vitest";
import { settleRun, startRun } from "../../src/lifecycle/run-transitions.js";
import { taskSchema } from "../../src/store/schemas/task.js";

const now = new Date("2026-11-21T03:00:00Z");
const opts = { maxAttempts: 3, now };
const shipping = (implementAttempts: number) =>
  startRun(
    taskSchema.parse({
      id: "a",
      title: "A",
      phase: "ship",
      status: "ready",
      attempts: { implement: implementAttempts },
    }),
    "ship",
    now,
  );

describe("settleRun: a failure that goes back to an earlier phase (backTo)", () => {
  it("sends the work back to implement / ready with the reason, using no attempt of its own", () => {
    const s = settleRun(
      shipping(1),
      "ship",
      { kind: "failed", outcome: "failed", reason: "at ship: gate test failed", backTo: "implement" },
      opts,
    );
    expect(s.task).toMatchObject({
      phase: "implement",
      status: "ready",
      attempts: { implement: 1 },
      reason: "at ship: gate test failed",
    });
    expect(s).toMatchObject({ outcome: "failed", event: "retrying" });
  });

  it("fails the task once implement has used max_attempts", () => {
    const s = settleRun(
      shipping(3),
      "ship",
      {
        kind: "failed",
        outcome: "rejected",
        reason: "rebasing onto main conflicts in a.js",
        backTo: "implement",
      },
      opts,
    );
    expect(s.task).toMatchObject({
      phase: "implement",
      status: "failed",
      reason: "implement failed 3 times; last: rebasing onto main conflicts in a.js",
    });
    expect(s).toMatchObject({ outcome: "rejected", event: "failed" });
  });

  it("counts as an ordinary failure when backTo names the run's own phase", () => {
    const t = startRun(
      taskSchema.parse({ id: "a", title: "A", phase: "implement", status: "ready" }),
      "implement",
      now,
    );
    const s = settleRun(
      t,
      "implement",
      { kind: "failed", outcome: "failed", reason: "x", backTo: "implement" },
      opts,
    );
    expect(s.task).toMatchObject({ phase: "implement", status: "ready", attempts: { implement: 1 } });
  });
});
