import { describe, expect, it } from "vitest";
import { type DecideInput, decide } from "../../src/lifecycle/decide.js";
import { configSchema } from "../../src/store/schemas/config.js";
import { input, NOW, task } from "./decide-fixture.js";

const started = (i: DecideInput) => decide(i).start.map((a) => a.taskId);
const why = (i: DecideInput, id: string) => decide(i).waiting.find((w) => w.taskId === id)?.why;

describe("decide: which phase and agent", () => {
  it("starts research for a ready idea, and each ready work phase with its agent", () => {
    const d = decide(
      input(
        [
          task("a"),
          task("b", { phase: "research" }),
          task("c", { phase: "plan" }),
          task("d", { phase: "implement" }),
        ],
        { approvedPlans: new Set(["d"]) },
      ),
    );
    expect(d.start).toEqual([
      { taskId: "a", phase: "research", agent: "researcher" },
      { taskId: "b", phase: "research", agent: "researcher" },
      { taskId: "c", phase: "plan", agent: "planner" },
      { taskId: "d", phase: "implement", agent: "implementer" },
    ]);
  });

  it("uses the agents named in config", () => {
    const config = configSchema.parse({ agents: { research: "scout" } });
    const d = decide(input([task("a")], { config, agents: new Set(["scout"]) }));
    expect(d.start).toEqual([{ taskId: "a", phase: "research", agent: "scout" }]);
  });

  it("starts nothing that is not ready: draft, running, awaiting approval, blocked, failed, done, dropped", () => {
    const tasks = [
      task("a", { status: "draft" }),
      task("b", { phase: "research", status: "running" }),
      task("c", { phase: "plan", status: "awaiting-approval" }),
      task("d", { phase: "plan", status: "blocked", question: "which?" }),
      task("e", { phase: "implement", status: "failed" }),
      task("f", { phase: "done" }),
      task("g", { phase: "dropped" }),
    ];
    expect(decide(input(tasks))).toEqual({ start: [], waiting: [] });
  });

  it("leaves a task resting in a phase that has no executor (ship, before the gates exist)", () => {
    const i = input([task("a", { phase: "ship" })]);
    expect(started(i)).toEqual([]);
    expect(why(i, "a")).toMatch(/nothing runs the ship phase/);
    expect(started({ ...i, executors: new Set(["ship"]) })).toEqual(["a"]);
    expect(decide({ ...i, executors: new Set(["ship"]) }).start[0]?.agent).toBeNull();
  });

  it("waits while the phase's agent file is missing", () => {
    const i = input([task("a")], { agents: new Set(["planner"]) });
    expect(started(i)).toEqual([]);
    expect(why(i, "a")).toMatch(/agents\/researcher\.md/);
  });
});

describe("decide: approvals", () => {
  it("holds implement until the plan is approved under review.plan: person", () => {
    const i = input([task("a", { phase: "implement" })]);
    expect(started(i)).toEqual([]);
    expect(why(i, "a")).toMatch(/approval/);
    expect(started({ ...i, approvedPlans: new Set(["a"]) })).toEqual(["a"]);
  });

  it("moves on without approval under review.plan: auto", () => {
    const config = configSchema.parse({ concurrency: 4, review: { plan: "auto" } });
    expect(started(input([task("a", { phase: "implement" })], { config }))).toEqual(["a"]);
  });
});

describe("decide: dependencies", () => {
  it("starts a task only when every dependency is done", () => {
    const dep = task("dep", { phase: "implement", status: "running" });
    const i = input([dep, task("a", { depends_on: ["dep"] })], { running: new Set(["dep"]) });
    expect(started(i)).toEqual([]);
    expect(why(i, "a")).toBe("depends on dep (implement / running)");
    const done = task("dep", { phase: "done" });
    expect(started({ ...i, tasks: [done, task("a", { depends_on: ["dep"] })], running: new Set() })).toEqual([
      "a",
    ]);
  });

  it("never satisfies a dependency that is missing, dropped, or merely shipping", () => {
    const tasks = [
      task("gone-dep", { depends_on: ["nope"] }),
      task("dropped"),
      task("b", { depends_on: ["dropped-one"] }),
      task("dropped-one", { phase: "dropped" }),
      task("ship-one", { phase: "ship", status: "ready" }),
      task("c", { depends_on: ["ship-one"] }),
    ];
    const i = input(tasks);
    expect(started(i)).toEqual(["dropped"]);
    expect(why(i, "gone-dep")).toMatch(/nope, which does not exist/);
    expect(why(i, "b")).toMatch(/dropped/);
    expect(why(i, "c")).toMatch(/ship-one \(ship \/ ready\)/);
  });

  it("holds a dependency cycle forever rather than starting either side", () => {
    const i = input([task("a", { depends_on: ["b"] }), task("b", { depends_on: ["a"] })]);
    expect(started(i)).toEqual([]);
  });
});

describe("decide: order, concurrency, back-off", () => {
  it("takes priority 0 first, then the oldest created, then the id", () => {
    const tasks = [
      task("z-old-low", { priority: 3, created: "2026-01-01T00:00:00Z" }),
      task("b-new", { priority: 1, created: "2026-11-20T12:00:00Z" }),
      task("c-old", { priority: 1, created: "2026-11-19T12:00:00Z" }),
      task("a-same", { priority: 1, created: "2026-11-20T12:00:00Z" }),
      task("top", { priority: 0, created: "2026-11-21T00:00:00Z" }),
      task("no-date", { priority: 1, created: undefined }),
    ];
    const config = configSchema.parse({ concurrency: 10 });
    expect(started(input(tasks, { config }))).toEqual([
      "top",
      "c-old",
      "a-same",
      "b-new",
      "no-date",
      "z-old-low",
    ]);
  });

  it("fills only the free slots; running tasks in any phase take slots", () => {
    const config = configSchema.parse({ concurrency: 2 });
    const tasks = [task("a"), task("b"), task("c"), task("r", { phase: "ship", status: "running" })];
    expect(started(input(tasks, { config }))).toEqual(["a", "b"]);
    const i = input(tasks, { config, running: new Set(["r"]) });
    expect(started(i)).toEqual(["a"]);
    expect(why(i, "b")).toBe("all 2 slots are busy");
    expect(started(input(tasks, { config, running: new Set(["r", "x"]) }))).toEqual([]);
  });

  it("never starts a task that already holds a claim, even when its file says ready", () => {
    expect(started(input([task("a")], { running: new Set(["a"]) }))).toEqual([]);
  });

  it("backs a task off until its retry time, then starts it", () => {
    const i = input([task("a"), task("b")], { retryAt: new Map([["a", NOW + 1000]]) });
    expect(started(i)).toEqual(["b"]);
    expect(why(i, "a")).toBe("backed off until 2026-11-21T03:00:01Z");
    expect(started({ ...i, now: NOW + 1000 })).toEqual(["a", "b"]);
  });
});

describe("decide: touches", () => {
  it("never starts two overlapping tasks at once, taking the first in order", () => {
    const tasks = [
      task("a", { touches: ["src/api/**"], priority: 1 }),
      task("b", { touches: ["src/api/users.ts"], priority: 2 }),
      task("c", { touches: ["src/web/**"], priority: 2 }),
    ];
    const i = input(tasks);
    expect(started(i)).toEqual(["a", "c"]);
    expect(why(i, "b")).toBe("touches overlap a, which is running");
  });

  it("respects tasks that are already running", () => {
    const tasks = [
      task("r", { phase: "implement", status: "running", touches: ["src/**"] }),
      task("a", { touches: ["src/x.ts"] }),
      task("b", { touches: ["docs/**"] }),
    ];
    expect(started(input(tasks, { running: new Set(["r"]) }))).toEqual(["b"]);
  });

  it("treats a task without touches as overlapping nothing, and `**` as overlapping everything", () => {
    const tasks = [task("a"), task("b"), task("all", { touches: ["**"], priority: 3 })];
    expect(started(input(tasks))).toEqual(["a", "b", "all"]);
    const alone = [task("all", { touches: ["**"], priority: 0 }), task("x", { touches: ["README.md"] })];
    expect(started(input(alone))).toEqual(["all"]);
  });
});

describe("decide: idempotence", () => {
  it("gives the same answer twice, whatever the input order", () => {
    const tasks = [
      task("a", { touches: ["src/**"] }),
      task("b", { touches: ["src/b.ts"] }),
      task("c", { priority: 0 }),
      task("d", { depends_on: ["c"] }),
      task("e", { phase: "implement" }),
    ];
    const i = input(tasks, { config: configSchema.parse({ concurrency: 2 }) });
    const first = decide(i);
    expect(decide(i)).toEqual(first);
    expect(decide({ ...i, tasks: [...tasks].reverse() })).toEqual(first);
    expect(first.start.map((a) => a.taskId)).toEqual(["c", "a"]);
  });

  it("starts nothing new once its own actions are running", () => {
    const tasks = [task("a"), task("b"), task("c")];
    const config = configSchema.parse({ concurrency: 2 });
    const first = decide(input(tasks, { config }));
    const running = new Set(first.start.map((a) => a.taskId));
    const claimed = tasks.map((t) =>
      running.has(t.id) ? { ...t, phase: "research" as const, status: "running" as const } : t,
    );
    expect(decide(input(claimed, { config, running })).start).toEqual([]);
  });
});
