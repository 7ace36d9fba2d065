import { describe, expect, it } from "vitest";
import {
  answerQuestion,
  approvePlan,
  approveShip,
  describeState,
  dropTask,
  markReady,
  mergeTask,
  rejectPlan,
  retryTask,
} from "../../src/lifecycle/person-actions.js";
import { makePlan, makeTask } from "../helpers/fleet-fixtures.js";

const NOW = "2026-11-21T08:00:00Z";
const BY = "Ada Lovelace <ada@example.com>";
const SHA = "a".repeat(64);

describe("markReady", () => {
  it("moves a draft idea to idea / ready and stamps updated", () => {
    const t = markReady(makeTask({ id: "a" }), NOW);
    expect(describeState(t)).toBe("idea / ready");
    expect(t.updated).toBe(NOW);
    expect(t.created).toBe("2026-11-20T10:00:00Z");
  });

  it("fills created for a hand-dropped idea that had none", () => {
    const { created: _c, ...task } = makeTask({ id: "a" });
    expect(markReady(task, NOW).created).toBe(NOW);
  });

  it("clears a setup block (blocked without a question) in the same phase", () => {
    const t = markReady(
      makeTask({ id: "a", phase: "implement", status: "blocked", reason: "claude not logged in" }),
      NOW,
    );
    expect(describeState(t)).toBe("implement / ready");
    expect(t.reason).toBeNull();
  });

  it("refuses an idea that is already ready, a task past idea, and a blocked task with a question", () => {
    expect(() => markReady(makeTask({ id: "a", status: "ready" }), NOW)).toThrow(/already ready/);
    expect(() => markReady(makeTask({ id: "a", phase: "plan", status: "ready" }), NOW)).toThrow(/only ideas/);
    expect(() =>
      markReady(makeTask({ id: "a", phase: "plan", status: "blocked", question: "Which API?" }), NOW),
    ).toThrow(/waits for an answer/);
  });
});

describe("approvePlan", () => {
  it("approves a plan waiting for approval: implement / ready, approval recorded", () => {
    const task = makeTask({ id: "a", phase: "plan", status: "awaiting-approval" });
    const next = approvePlan(task, makePlan("a"), SHA, BY, NOW);
    expect(describeState(next.task)).toBe("implement / ready");
    expect(next.plan.approval).toEqual({ by: BY, at: NOW, sha256: SHA });
  });

  it("re-approves in place a plan changed after its approval, and refuses one whose approval holds", () => {
    const task = makeTask({ id: "a", phase: "implement", status: "ready" });
    const plan = makePlan("a", { approval: { by: BY, at: "2026-11-20T00:00:00Z", sha256: "b".repeat(64) } });
    const next = approvePlan(task, plan, SHA, BY, NOW);
    expect(describeState(next.task)).toBe("implement / ready");
    expect(next.plan.approval?.sha256).toBe(SHA);
    expect(() => approvePlan(task, next.plan, SHA, BY, NOW)).toThrow(/approval still holds/);
  });

  it("refuses when nothing waits for approval", () => {
    expect(() =>
      approvePlan(makeTask({ id: "a", phase: "plan", status: "running" }), makePlan("a"), SHA, BY, NOW),
    ).toThrow(/a is plan \/ running: nothing to approve/);
    expect(() => approvePlan(makeTask({ id: "a" }), makePlan("a"), SHA, BY, NOW)).toThrow(
      /nothing to approve/,
    );
  });
});

describe("approveShip", () => {
  it("releases a ship hold and records ship_approval", () => {
    const task = makeTask({ id: "a", phase: "ship", status: "awaiting-approval" });
    const next = approveShip(task, makePlan("a"), SHA, BY, NOW);
    expect(describeState(next.task)).toBe("ship / ready");
    expect(next.plan.ship_approval).toEqual({ by: BY, at: NOW, sha256: SHA });
  });

  it("refuses a task not held before ship", () => {
    expect(() =>
      approveShip(makeTask({ id: "a", phase: "ship", status: "ready" }), makePlan("a"), SHA, BY, NOW),
    ).toThrow(/not waiting for a ship approval/);
  });
});

describe("rejectPlan", () => {
  it("sends the plan back to plan / ready with the reason, dropping any approval", () => {
    const task = makeTask({ id: "a", phase: "plan", status: "awaiting-approval" });
    const plan = makePlan("a", { approval: { by: BY, at: NOW, sha256: SHA } });
    const next = rejectPlan(task, plan, "  per key, not per IP  ", BY, NOW);
    expect(describeState(next.task)).toBe("plan / ready");
    expect(next.plan.rejection).toEqual({ by: BY, at: NOW, reason: "per key, not per IP" });
    expect(next.plan.approval).toBeNull();
  });

  it("refuses an empty reason and a task with no plan waiting", () => {
    const waiting = makeTask({ id: "a", phase: "plan", status: "awaiting-approval" });
    expect(() => rejectPlan(waiting, makePlan("a"), " ", BY, NOW)).toThrow(/needs a reason/);
    expect(() =>
      rejectPlan(makeTask({ id: "a", phase: "implement", status: "ready" }), makePlan("a"), "no", BY, NOW),
    ).toThrow(/no plan waiting/);
  });
});

describe("answerQuestion", () => {
  it("appends question and answer, clears the question, resumes in the same phase", () => {
    const task = makeTask({ id: "a", phase: "plan", status: "blocked", question: "Per key or per IP?" });
    const t = answerQuestion(task, "Per key.", BY, NOW);
    expect(describeState(t)).toBe("plan / ready");
    expect(t.question).toBeNull();
    expect(t.answers).toEqual([{ question: "Per key or per IP?", answer: "Per key.", by: BY, at: NOW }]);
  });

  it("keeps earlier answers", () => {
    const earlier = { question: "q1", answer: "a1", by: BY, at: "2026-11-20T00:00:00Z" };
    const task = makeTask({
      id: "a",
      phase: "implement",
      status: "blocked",
      question: "q2",
      answers: [earlier],
    });
    expect(answerQuestion(task, "a2", BY, NOW).answers.map((a) => a.answer)).toEqual(["a1", "a2"]);
  });

  it("refuses when there is no open question, pointing a setup block at `fleet ready`", () => {
    expect(() => answerQuestion(makeTask({ id: "a" }), "x", BY, NOW)).toThrow(/no open question/);
    try {
      answerQuestion(
        makeTask({ id: "a", phase: "plan", status: "blocked", reason: "no API key" }),
        "x",
        BY,
        NOW,
      );
      expect.unreachable();
    } catch (err) {
      expect((err as { hint?: string }).hint).toMatch(/no API key.*fleet ready a/);
    }
    expect(() =>
      answerQuestion(makeTask({ id: "a", status: "blocked", question: "q" }), "  ", BY, NOW),
    ).toThrow(/empty/);
  });
});

describe("dropTask", () => {
  it("drops a task in any live phase with its reason", () => {
    for (const phase of ["idea", "research", "plan", "implement", "ship"] as const) {
      const t = dropTask(makeTask({ id: "a", phase, status: "running" }), "not needed", NOW);
      expect(describeState(t)).toBe("dropped / ready");
      expect(t.reason).toBe("not needed");
    }
  });

  it("refuses a finished task and an empty reason", () => {
    expect(() => dropTask(makeTask({ id: "a", phase: "done", status: "ready" }), "x", NOW)).toThrow(
      /already finished/,
    );
    expect(() => dropTask(makeTask({ id: "a", phase: "dropped", status: "ready" }), "x", NOW)).toThrow(
      /already finished/,
    );
    expect(() => dropTask(makeTask({ id: "a" }), "", NOW)).toThrow(/needs a reason/);
  });
});

describe("mergeTask", () => {
  const source = { task: makeTask({ id: "s", title: "Throttle logins" }), body: "Logins are hammered.\n" };
  const target = {
    task: makeTask({ id: "t", title: "Rate-limit the API", depends_on: ["s", "x"] }),
    body: "Limit calls.\n",
  };

  it("drops the source into the target and appends its body under a heading", () => {
    const next = mergeTask(source, target, [], NOW);
    expect(describeState(next.source)).toBe("dropped / ready");
    expect(next.source.merged_into).toBe("t");
    expect(next.target.body).toBe(
      "Limit calls.\n\n## Merged from s: Throttle logins\n\nLogins are hammered.\n",
    );
    expect(next.target.task.depends_on).toEqual(["x"]);
  });

  it("moves other tasks' dependencies from the source to the target, without duplicates", () => {
    const d1 = makeTask({ id: "d1", depends_on: ["s"] });
    const d2 = makeTask({ id: "d2", depends_on: ["t", "s"] });
    const d3 = makeTask({ id: "d3", depends_on: ["x"] });
    const next = mergeTask(source, target, [d1, d2, d3, target.task, source.task], NOW);
    expect(next.dependents.map((d) => [d.id, d.depends_on])).toEqual([
      ["d1", ["t"]],
      ["d2", ["t"]],
    ]);
  });

  it("refuses merging a task into itself or into or from a finished task", () => {
    expect(() => mergeTask(source, source, [], NOW)).toThrow(/into itself/);
    const done = { task: makeTask({ id: "t", phase: "done", status: "ready" }), body: "" };
    expect(() => mergeTask(source, done, [], NOW)).toThrow(/finished task/);
    const dropped = { task: makeTask({ id: "s", phase: "dropped", status: "ready" }), body: "" };
    expect(() => mergeTask(dropped, target, [], NOW)).toThrow(/cannot be merged/);
  });
});

describe("retryTask", () => {
  it("resets the failed phase's attempts and makes it ready again", () => {
    const task = makeTask({
      id: "a",
      phase: "implement",
      status: "failed",
      reason: "out of attempts",
      attempts: { plan: 1, implement: 3 },
    });
    const t = retryTask(task, NOW);
    expect(describeState(t)).toBe("implement / ready");
    expect(t.attempts).toEqual({ plan: 1, implement: 0 });
    expect(t.reason).toBeNull();
  });

  it("refuses a task that has not failed", () => {
    expect(() => retryTask(makeTask({ id: "a", phase: "implement", status: "running" }), NOW)).toThrow(
      /only failed/,
    );
  });
});

it("never changes its inputs", () => {
  const task = makeTask({ id: "a", phase: "plan", status: "awaiting-approval" });
  const copy = structuredClone(task);
  approvePlan(task, makePlan("a"), SHA, BY, NOW);
  dropTask(task, "x", NOW);
  expect(task).toEqual(copy);
});
