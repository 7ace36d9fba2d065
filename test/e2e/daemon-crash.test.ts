/**
 * Crash safety end to end: `kill -9` of the daemon while agents run, then a restart that kills the
 * orphaned agents, records the interrupted runs, and finishes the work — nothing lost, nothing run
 * twice at once (the fake agent logs OVERLAP if it ever starts while an earlier run of its task lives).
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readActiveClaims, readClaim } from "../../src/coordinator/claims.js";
import { agentWorkDir } from "../../src/store/paths.js";
import { fleetOk } from "../helpers/run-fleet.js";
import { gitOut } from "../helpers/temp-repo.js";
import {
  type Daemon,
  dropIdea,
  e2eFleet,
  isAlive,
  startedPids,
  startFleet,
  stateOf,
  touch,
  waitFor,
} from "./daemon-helpers.js";

describe("fleet watch after kill -9", () => {
  it("kills the orphaned agents, records their runs as interrupted and finishes the work", async () => {
    const f = e2eFleet("concurrency: 2\nreview: { plan: auto }\n");
    const barrier = path.join(f.dir, "go");
    f.behave({ barrier });
    dropIdea(f.root, "k1");
    dropIdea(f.root, "k2");
    const first = startFleet(f.root);
    await waitFor("both research agents running", () => startedPids(f, undefined, "research").length === 2);
    const orphans = startedPids(f);
    first.child.kill("SIGKILL");
    await first.exited;
    expect(orphans.every(isAlive)).toBe(true);
    expect(readActiveClaims(path.join(f.root, ".git")).map((c) => c.alive)).toEqual([false, false]);

    const second = startFleet(f.root);
    await waitFor("the restart to recover", () => second.out().includes("recovered"));
    expect(orphans.some(isAlive)).toBe(false);
    touch(barrier);
    await waitFor(
      "both shipped",
      () => stateOf(f, "k1") === "done / ready" && stateOf(f, "k2") === "done / ready",
    );
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);

    expect(f.logLines().filter((l) => l.startsWith("OVERLAP"))).toEqual([]);
    for (const id of ["k1", "k2"]) {
      const runs = f.runs(id).map((r) => `${r.record.phase}:${r.record.outcome}:${r.record.epoch}`);
      expect(runs).toEqual([
        "research:interrupted:1",
        "research:finished:2",
        "plan:finished:3",
        "implement:finished:4",
        "ship:finished:5",
      ]);
      expect(f.task(id).attempts).toEqual({ research: 1, plan: 1, implement: 1, ship: 1 });
      expect(readClaim(path.join(f.root, ".git"), id)).toMatchObject({ epoch: 5, active: false });
      expect(gitOut(f.root, "show", `main:${id}.txt`)).toBe("made by the implementer");
    }
    expect(second.out()).toMatch(
      /recovered .*claims released: k1, k2; runs interrupted: k1, k2; processes killed: 2/,
    );
    expect(gitOut(f.root, "status", "--porcelain")).toBe("");
  });

  it("two hand-written ideas go all the way through research, plan, approval, implement and ship despite repeated kill -9", async () => {
    const f = e2eFleet("concurrency: 2\n");
    f.behave({ sleepMs: 300 });
    dropIdea(f.root, "greet", "status: ready\n", "Greet people by name");
    dropIdea(f.root, "farewell", "status: ready\n", "Say goodbye");
    const ids = ["greet", "farewell"];
    const kills: string[] = [];
    const explain = (d: Daemon) =>
      [
        ...ids.map(
          (id) =>
            `${id}: ${stateOf(f, id)}; runs ${f
              .runs(id)
              .map((r) => `${r.record.seq}-${r.record.phase}:${r.record.outcome}`)
              .join(" ")}`,
        ),
        `states after each kill: ${kills.join(" | ")}`,
        `daemon out:\n${d.out()}\ndaemon err:\n${d.err()}`,
      ].join("\n");
    // Kill the daemon at ever-shifting moments until both plans wait for a person.
    for (let i = 0; !ids.every((id) => stateOf(f, id) === "plan / awaiting-approval"); i++) {
      const d = startFleet(f.root);
      await new Promise((r) => setTimeout(r, 700 + ((i * 373) % 2000)));
      d.child.kill("SIGKILL");
      await d.exited;
      kills.push(ids.map((id) => stateOf(f, id)).join(", "));
      if (i >= 8) {
        const last = startFleet(f.root);
        const planned = () => ids.every((id) => stateOf(f, id) === "plan / awaiting-approval");
        await waitFor("both plans", planned, 45_000, () => explain(last));
        last.child.kill("SIGTERM");
        await last.exited;
      }
    }
    // The person approves while a daemon runs (so any transition a kill left uncommitted is committed
    // first, and the story reads in order), then the daemon keeps being killed during implement.
    const calm = startFleet(f.root);
    await waitFor("a daemon to recover and scan", () => calm.out().includes("scanned"));
    for (const id of ids) fleetOk(f.root, ["approve", id]);
    calm.child.kill("SIGKILL");
    await calm.exited;
    for (let i = 0; i < 3; i++) {
      const d = startFleet(f.root);
      await new Promise((r) => setTimeout(r, 500 + i * 450));
      d.child.kill("SIGKILL");
      await d.exited;
      kills.push(ids.map((id) => stateOf(f, id)).join(", "));
    }
    const last = startFleet(f.root);
    const shipped = () => ids.every((id) => stateOf(f, id) === "done / ready");
    await waitFor("both shipped", shipped, 45_000, () => explain(last));
    // (The work may have been finished by a daemon killed earlier: let this one start before stopping it.)
    await waitFor("the last daemon to watch", () => last.out().includes("scanned"));
    last.child.kill("SIGTERM");
    expect(await last.exited, `stdout:\n${last.out()}\nstderr:\n${last.err()}`).toBe(0);

    expect(kills.length).toBeGreaterThan(0);
    expect(f.logLines().filter((l) => l.startsWith("OVERLAP"))).toEqual([]);
    expect(gitOut(f.root, "status", "--porcelain")).toBe("");
    for (const id of ids) {
      const runs = f.runs(id).map((r) => r.record);
      expect(runs.every((r) => r.outcome === "finished" || r.outcome === "interrupted")).toBe(true);
      expect(runs.filter((r) => r.outcome === "finished").map((r) => r.phase)).toEqual([
        "research",
        "plan",
        "implement",
        "ship",
      ]);
      const epochs = runs.map((r) => r.epoch);
      expect(epochs).toEqual([...epochs].sort((a, b) => a - b));
      expect(new Set(epochs).size).toBe(epochs.length);
      // Every step is in git log with its trailers, in order: its own commit, or carried by the
      // task's next one (a hand-over to the next automatic phase; recovery may commit it alone).
      const story = (
        JSON.parse(fleetOk(f.root, ["log", id, "--json"]).stdout) as {
          event: string;
          agent: string | null;
          run: number | null;
        }[]
      ).filter((e) => e.event !== "interrupted" && e.event !== "recovered");
      const order = story.map((e) => e.event);
      expect(order.filter((e) => e !== "researched" && e !== "implemented")).toEqual([
        "created",
        "proposed",
        "approved",
        "merged",
        "shipped",
      ]);
      expect(order.indexOf("researched")).toBeGreaterThan(0);
      expect(order.indexOf("researched")).toBeLessThan(order.indexOf("proposed") + 1);
      expect(order.indexOf("implemented")).toBeGreaterThan(order.indexOf("approved"));
      expect(order.filter((e) => e === "implemented")).toHaveLength(1);
      const implemented = story.find((e) => e.event === "implemented");
      expect(implemented?.agent).toBe("implementer (command)");
      expect(implemented?.run).toBeGreaterThan(0);
      const head = runs.filter((r) => r.phase === "implement").at(-1)?.head_commit ?? "";
      expect(gitOut(f.root, "log", "-1", "--format=%(trailers:key=Fleet-Task,valueonly)", head)).toBe(id);
      // Shipped: the squashed change is on main, and the task's branch and worktree are gone.
      const shipped = f.task(id).shipped?.commit ?? "";
      expect(gitOut(f.root, "merge-base", "--is-ancestor", shipped, "main")).toBe("");
      expect(gitOut(f.root, "show", `${shipped}:${id}.txt`)).toBe("made by the implementer");
      expect(gitOut(f.root, "branch", "--list", `fleet/${id}`)).toBe("");
      expect(gitOut(f.root, "worktree", "list")).not.toContain(
        path.join(agentWorkDir(path.join(f.root, ".git")), "worktrees", id),
      );
    }
  }, 240_000);
});
