/**
 * `fleet watch` end to end: the built CLI as a subprocess in temp repositories, agents played by a
 * plain node script (`runner: command`). See daemon-helpers.ts for the fake agent's event log.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readActiveClaims } from "../../src/coordinator/claims.js";
import { runFleet } from "../helpers/run-fleet.js";
import { gitOut, writeFile } from "../helpers/temp-repo.js";
import { dropIdea, e2eFleet, startedPids, startFleet, stateOf, touch, waitFor } from "./daemon-helpers.js";

describe("fleet watch", () => {
  it("runs several tasks in parallel, up to concurrency", async () => {
    const f = e2eFleet("concurrency: 3\n");
    const barrier = path.join(f.dir, "go");
    f.behave({ barrier });
    for (const id of ["p1", "p2", "p3", "p4"]) dropIdea(f.root, id);
    const d = startFleet(f.root);
    await waitFor("three research agents at once", () => startedPids(f).length === 3);
    const claims = readActiveClaims(path.join(f.root, ".git"));
    expect(claims.map((c) => c.task).sort()).toEqual(["p1", "p2", "p3"]);
    expect(claims.every((c) => c.phase === "research" && c.agent === "researcher" && c.alive)).toBe(true);
    const board = JSON.parse(runFleet(f.root, ["ls", "--json"]).stdout) as {
      tasks: {
        id: string;
        status: string;
        agent: string | null;
        daemon_alive: boolean | null;
        running_ms: number | null;
      }[];
    };
    const running = board.tasks.filter((t) => t.status === "running");
    expect(running.map((t) => t.id).sort()).toEqual(["p1", "p2", "p3"]);
    for (const t of running) {
      expect(t).toMatchObject({ agent: "researcher", daemon_alive: true });
      expect(t.running_ms).toBeGreaterThanOrEqual(0);
    }
    expect(runFleet(f.root, ["ls"]).stdout).toMatch(/p1 +running +P2 +Idea p1 +\(researcher, running \d/);
    touch(barrier);
    await waitFor("all four planned", () =>
      ["p1", "p2", "p3", "p4"].every((id) => stateOf(f, id) === "plan / awaiting-approval"),
    );
    expect(f.logLines().filter((l) => l.startsWith("OVERLAP"))).toEqual([]);
    d.child.kill("SIGTERM");
    expect(await d.exited).toBe(0);
    expect(d.out()).toMatch(/p1 +research +researcher +started/);
    expect(d.out()).toMatch(/p1 +plan +planner +proposed +\d+\.\ds +→ plan \/ awaiting-approval/);
  });

  it("never runs two tasks whose touches overlap at once", async () => {
    const f = e2eFleet("concurrency: 3\n");
    const barrier = path.join(f.dir, "go");
    f.behave({ barrier });
    dropIdea(f.root, "api-a", 'status: ready\npriority: 1\ntouches: ["src/api/**"]\n');
    dropIdea(f.root, "api-b", 'status: ready\npriority: 2\ntouches: ["src/api/users.ts"]\n');
    dropIdea(f.root, "docs", 'status: ready\npriority: 2\ntouches: ["docs/**"]\n');
    const d = startFleet(f.root);
    await waitFor(
      "api-a and docs running",
      () => startedPids(f, "api-a").length === 1 && startedPids(f, "docs").length === 1,
    );
    touch(barrier);
    await waitFor("all researched", () =>
      ["api-a", "api-b", "docs"].every(
        (id) => f.task(id).phase !== "research" && f.task(id).phase !== "idea",
      ),
    );
    const lines = f.logLines();
    const at = (prefix: string) => lines.findIndex((l) => l.startsWith(prefix));
    expect(at("start api-b research")).toBeGreaterThan(at("end api-a research"));
    expect(at("start docs research")).toBeLessThan(at("end api-a research"));
    d.child.kill("SIGTERM");
    expect(await d.exited).toBe(0);
  });

  it("picks up a hand-dropped idea with no frontmatter once a person marks it ready", async () => {
    const f = e2eFleet("review: { plan: auto }\n");
    const d = startFleet(f.root);
    await waitFor("the daemon to watch", () => d.out().includes("watching"));
    writeFile(f.root, ".fleet/queue/by-hand.md", "# Written by hand\n\nNo frontmatter at all.\n");
    await waitFor("the idea filled in and committed", () =>
      gitOut(f.root, "log", "-1", "--format=%s").includes("by-hand created"),
    );
    expect(f.task("by-hand")).toMatchObject({
      id: "by-hand",
      title: "Written by hand",
      phase: "idea",
      status: "draft",
    });
    expect(runFleet(f.root, ["ready", "by-hand"]).code).toBe(0);
    // The hand-over to ship commits nothing, so ship may follow at once: wait for the implement run.
    const implemented = () =>
      f.runs("by-hand").find((r) => r.record.phase === "implement" && r.record.outcome === "finished");
    await waitFor("it to be implemented", () => implemented() !== undefined);
    expect(["ship / ready", "ship / running", "done / ready"]).toContain(stateOf(f, "by-hand"));
    const head = implemented()?.record.head_commit ?? "";
    expect(gitOut(f.root, "show", `${head}:by-hand.txt`)).toBe("made by the implementer");
    d.child.kill("SIGINT");
    expect(await d.exited).toBe(0);
  });

  it("starts each next phase when the run before it ends, not on the rescan tick (rescan: 1h)", async () => {
    const f = e2eFleet("rescan: 1h\nreview: { plan: auto }\n");
    const d = startFleet(f.root);
    await waitFor("the daemon to watch", () => d.out().includes("watching"));
    // A hand-dropped idea is filled in, left to settle, then taken: the settle wakes the loop too.
    writeFile(f.root, ".fleet/queue/by-tick.md", "---\nstatus: ready\n---\n# No tick needed\n\nGo.\n");
    await waitFor(
      "research, plan and implement, one after the other",
      () => ["ship", "done"].includes(f.task("by-tick").phase),
      45_000,
      () => d.out(),
    );
    // Ship may already have been claimed too (the hand-over to it commits nothing, so it follows at once).
    const phases = f.runs("by-tick").map((r) => r.record.phase);
    expect(phases.slice(0, 3)).toEqual(["research", "plan", "implement"]);
    expect(phases.slice(3).every((p) => p === "ship")).toBe(true);
    d.child.kill("SIGTERM");
    expect(await d.exited).toBe(0);
  });

  it("finds work without any file event through the rescan (--rescan-only)", async () => {
    const f = e2eFleet("rescan: 1s\n");
    const d = startFleet(f.root, ["watch", "--rescan-only"]);
    await waitFor("the daemon to watch", () => d.out().includes("no file events"));
    dropIdea(f.root, "missed");
    await waitFor("the missed idea researched", () => f.task("missed").phase === "plan");
    d.child.kill("SIGTERM");
    expect(await d.exited).toBe(0);
  });

  it("allows one daemon per clone: a second one names the holder and exits 5", async () => {
    const f = e2eFleet();
    const d = startFleet(f.root);
    await waitFor("the daemon to watch", () => d.out().includes("watching"));
    const second = runFleet(f.root, ["watch"]);
    expect(second.code).toBe(5);
    expect(second.stderr).toContain(
      `another fleet daemon already runs for this clone: pid ${d.child.pid} on `,
    );
    expect(second.stderr).toContain("fleet watch");
    expect(runFleet(f.root, ["run", "--until-idle"]).code).toBe(5);
    d.child.kill("SIGTERM");
    expect(await d.exited).toBe(0);
    expect(runFleet(f.root, ["run"]).code).toBe(0);
  });

  it("on SIGTERM ends running agents, records the runs as interrupted and releases the claims", async () => {
    const f = e2eFleet();
    f.behave({ barrier: path.join(f.dir, "never") });
    dropIdea(f.root, "long");
    const d = startFleet(f.root);
    await waitFor("the agent to start", () => startedPids(f, "long").length === 1);
    const [pid] = startedPids(f, "long");
    d.child.kill("SIGTERM");
    expect(await d.exited).toBe(0);
    expect(() => process.kill(pid ?? 0, 0)).toThrow();
    expect(f.task("long")).toMatchObject({ phase: "research", status: "ready", attempts: {} });
    expect(f.runs("long").map((r) => r.record.outcome)).toEqual(["interrupted"]);
    expect(readActiveClaims(path.join(f.root, ".git"))).toEqual([]);
    expect(gitOut(f.root, "log", "-1", "--format=%(trailers:key=Fleet-Event,valueonly)")).toBe("interrupted");
    expect(gitOut(f.root, "status", "--porcelain")).toBe("");
  });
});
