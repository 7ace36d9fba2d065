import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fleetPaths } from "../../src/store/paths.js";
import { readRuns } from "../../src/store/read-records.js";
import { readTask } from "../../src/store/read-tasks.js";
import { fleetOk, runFleet } from "../helpers/run-fleet.js";
import { gitOut, tempDir } from "../helpers/temp-repo.js";

/** `fleet log <id>` as `phase event` lines: every commit's event and the events it carried. */
const story = (root: string, id: string) =>
  (JSON.parse(fleetOk(root, ["log", id, "--json"]).stdout) as { phase: string; event: string }[]).map(
    (e) => `${e.phase} ${e.event}`,
  );

describe("fleet demo (built CLI)", () => {
  it("ships one idea through every gate and stops the other at its acceptance check, with no network", () => {
    const tmp = tempDir("fleet-demo-parent-");
    const r = runFleet(tmp, ["demo", "--keep"], { TMPDIR: tmp, ANTHROPIC_API_KEY: "" });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "demo: approving the plan of add-greet on your behalf (fleet approve add-greet)",
    );
    expect(r.stdout).toContain(
      "demo: approving the plan of title-case on your behalf (fleet approve title-case)",
    );
    expect(r.stdout).toContain("five implement gates, each in a bubblewrap sandbox");
    expect(r.stdout).toMatch(/add-greet +done \(shipped\)/);
    expect(r.stdout).toMatch(/implement gates: build ✓ {2}test ✓ {2}review ✓ {2}acceptance ✓ {2}health ✓/);
    expect(r.stdout).toMatch(/title-case +implement \/ failed/);
    expect(r.stdout).toContain("fleet(ship): add-greet shipped — Add a greet() helper");
    const kept = /The project is kept at (\S+) —/.exec(r.stdout)?.[1] ?? "";
    expect(kept.startsWith(tmp)).toBe(true);

    const paths = fleetPaths(kept);
    const greet = readTask(paths, "add-greet");
    const title = readTask(paths, "title-case");
    if (!greet?.ok || !title?.ok) throw new Error("the demo's tasks do not load");
    expect(greet.task.record).toMatchObject({ phase: "done", attempts: { implement: 2, ship: 1 } });
    expect(readRuns(paths, "add-greet").every((run) => run.record.sandbox === "bwrap")).toBe(true);
    // The two tasks run side by side, so title-case's last commits may come after the ship:
    // find the squash by its trailers rather than by its place on main.
    const merged = gitOut(
      kept,
      "log",
      "--format=%H",
      "--grep=^Fleet-Task: add-greet$",
      "--grep=^Fleet-Event: merged$",
      "--all-match",
      "main",
    );
    expect(merged).toMatch(/^[0-9a-f]{40}$/);
    expect(greet.task.record.shipped?.commit).toBe(merged);
    expect(title.task.record).toMatchObject({ phase: "implement", status: "failed", shipped: null });
    expect(title.task.record.reason).toMatch(
      /^implement failed 2 times; last: gate acceptance failed: check AC1/,
    );

    // Attempt 2 of add-greet was played from the acceptance feedback of attempt 1.
    const runs = readRuns(paths, "add-greet").map((x) => x.record);
    expect(runs.map((x) => `${x.phase} ${x.outcome}`)).toEqual([
      "research finished",
      "plan finished",
      "implement rejected",
      "implement finished",
      "ship finished",
    ]);
    const log2 = readFileSync(path.join(kept, ".git", runs[3]?.log ?? ""), "utf8");
    expect(log2).toContain("read the acceptance feedback");

    // Everything that happened is in git log alone.
    expect(story(kept, "add-greet")).toEqual([
      "idea ready",
      // No `started` commits; a hand-over to the next automatic phase rides on the task's next commit.
      "research researched",
      "plan proposed",
      "plan approved",
      "implement retrying",
      "ship merged",
      "implement implemented",
      "ship shipped",
    ]);
    expect(
      Number(gitOut(kept, "rev-list", "--count", "--grep=^Fleet-Task: add-greet$", "main")),
      "commits of add-greet on main",
    ).toBe(6);
    expect(story(kept, "title-case").slice(-2)).toEqual(["implement retrying", "implement failed"]);
    expect(readFileSync(path.join(kept, "src/greet.js"), "utf8")).toContain('"Hello, " + name + "!"');
    expect(existsSync(path.join(kept, "src/title-case.js"))).toBe(false);
    expect(gitOut(kept, "status", "--porcelain")).toBe("");
    expect(gitOut(kept, "branch", "--list", "fleet/add-greet")).toBe("");
    expect(gitOut(kept, "worktree", "list")).not.toContain("add-greet");
    rmSync(kept, { recursive: true, force: true });
  });

  it("removes its directory unless --keep; without a sandbox it runs its own agent uncontained and says so", () => {
    const tmp = tempDir("fleet-demo-parent-");
    const r = runFleet(tmp, ["demo"], { TMPDIR: tmp, FLEET_BWRAP: "/nonexistent/bwrap" });
    expect(r.code).toBe(0);
    const notice = r.stdout.split("\n").filter((l) => l.includes("no sandbox on this machine"));
    expect(notice).toEqual([
      "demo: no sandbox on this machine (bubblewrap (/nonexistent/bwrap) is not installed): the demo runs its own agent uncontained; install bubblewrap (sudo apt-get install bubblewrap) to see it contained",
    ]);
    expect(r.stdout).toContain("The project directory was removed");
    const made = /making a small project in (\S+):/.exec(r.stdout)?.[1] ?? "";
    expect(made.startsWith(tmp)).toBe(true);
    expect(existsSync(made)).toBe(false);
  });
});
