/** The merge queue as a scheduling rule inside decide(): one ship (or one batch) at a time. */
import { describe, expect, it } from "vitest";
import { type DecideInput, decide } from "../../src/lifecycle/decide.js";
import { input, task } from "./decide-fixture.js";

const ships = (over: Partial<DecideInput> = {}, ...tasks: ReturnType<typeof task>[]) =>
  decide(input(tasks, { executors: new Set(["research", "plan", "implement", "ship"]), ...over }));

describe("decide: the ship queue", () => {
  it("starts one ship at a time, the others wait (holding no slot) with a reason", () => {
    const d = ships(
      {},
      task("a", { phase: "ship", touches: ["a/**"] }),
      task("b", { phase: "ship", touches: ["b/**"] }),
      task("c", { phase: "implement" }),
    );
    expect(d.start.map((s) => s.taskId)).toEqual(["a"]);
    expect(d.start[0]?.batch).toBeUndefined();
    expect(d.waiting).toEqual([
      { taskId: "b", phase: "ship", why: "one ship at a time: a ships first" },
      { taskId: "c", phase: "implement", why: "the plan has no current approval (fleet approve)" },
    ]);
  });

  it("starts no ship while one runs, and the waiting ship leaves the slots to other work", () => {
    const d = ships(
      {
        running: new Set(["a"]),
        approvedPlans: new Set(["c"]),
        config: { ...input([]).config, concurrency: 2 },
      },
      task("a", { phase: "ship", status: "running" }),
      task("b", { phase: "ship" }),
      task("c", { phase: "implement" }),
    );
    expect(d.start.map((s) => s.taskId)).toEqual(["c"]);
    expect(d.waiting).toEqual([{ taskId: "b", phase: "ship", why: "one ship at a time: a is shipping" }]);
  });

  it("takes ships in priority order, then age", () => {
    const d = ships(
      {},
      task("old", { phase: "ship", priority: 2, created: "2026-11-01T00:00:00Z" }),
      task("young", { phase: "ship", priority: 1, created: "2026-11-20T00:00:00Z" }),
      task("older", { phase: "ship", priority: 1, created: "2026-11-10T00:00:00Z" }),
    );
    expect(d.start.map((s) => s.taskId)).toEqual(["older"]);
    expect(d.waiting.map((w) => w.taskId)).toEqual(["young", "old"]);
  });

  it("with ship.batch, gathers up to N ships whose touches do not overlap behind one leader and one slot", () => {
    const d = ships(
      { shipBatch: 3, config: { ...input([]).config, concurrency: 1 } },
      task("a", { phase: "ship", priority: 0, touches: ["src/a/**"] }),
      task("b", { phase: "ship", priority: 1, touches: ["src/a/x.ts"] }),
      task("c", { phase: "ship", priority: 1, touches: ["src/c/**"] }),
      task("d", { phase: "ship", priority: 2, touches: [] }),
      task("e", { phase: "ship", priority: 3, touches: ["src/e/**"] }),
    );
    expect(d.start).toEqual([{ taskId: "a", phase: "ship", agent: null, batch: ["c", "d"] }]);
    expect(d.waiting).toEqual([
      { taskId: "b", phase: "ship", why: "touches overlap a, which is running" },
      { taskId: "e", phase: "ship", why: "one ship at a time: the batch of a is full (ship.batch: 3)" },
    ]);
  });

  it("counts a batch as one slot while it runs: riders hold none", () => {
    const tasks = [
      task("a", { phase: "ship", status: "running" }),
      task("b", { phase: "ship", status: "running" }),
      task("c", { phase: "research" }),
    ];
    const config = { ...input([]).config, concurrency: 2 };
    const running = new Set(["a", "b"]);
    expect(ships({ running, config }, ...tasks).start.map((s) => s.taskId)).toEqual([]);
    const d = ships({ running, config, riding: new Set(["b"]) }, ...tasks);
    expect(d.start.map((s) => s.taskId)).toEqual(["c"]);
  });

  it("a ship that cannot start for another reason does not lead or join a batch", () => {
    const d = ships(
      { shipBatch: 4, retryAt: new Map([["a", Date.parse("2030-01-01T00:00:00Z")]]) },
      task("a", { phase: "ship", priority: 0 }),
      task("b", { phase: "ship", priority: 1, depends_on: ["zz"] }),
      task("c", { phase: "ship", priority: 2 }),
      task("d", { phase: "ship", priority: 3 }),
    );
    expect(d.start).toEqual([{ taskId: "c", phase: "ship", agent: null, batch: ["d"] }]);
    expect(d.waiting.map((w) => w.taskId)).toEqual(["a", "b"]);
  });
});
