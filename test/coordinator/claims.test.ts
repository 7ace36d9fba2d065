import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  isEpochCurrent,
  lockTask,
  newClaim,
  readActiveClaims,
  readClaim,
  writeClaim,
} from "../../src/coordinator/claims.js";
import { runRel } from "../../src/coordinator/run-records.js";
import { fleetPaths } from "../../src/store/paths.js";
import { readResearch, readRuns } from "../../src/store/read-records.js";
import { readTask } from "../../src/store/read-tasks.js";
import { writeRun } from "../../src/store/write-records.js";
import { gitOut, tempDir } from "../helpers/temp-repo.js";
import { coordinator, drain, dropIdea, fleetRepo } from "./helpers.js";

const deadPid = () => spawnSync("true").pid ?? 999_999;

describe("claims", () => {
  it("lets one holder at a time take a task's lock", async () => {
    const common = tempDir();
    const a = await lockTask(common, "t1");
    expect(a).not.toBeNull();
    expect(await lockTask(common, "t1")).toBeNull();
    expect(await lockTask(common, "t2")).not.toBeNull();
    await a?.release();
    const again = await lockTask(common, "t1");
    expect(again).not.toBeNull();
    await again?.release();
  });

  it("knows whether an epoch is still current, and lists active claims with their holder's liveness", async () => {
    const common = tempDir();
    const started = "2026-11-21T03:00:00.000Z";
    await writeClaim(common, newClaim("mine", 3, { phase: "plan", agent: "planner", seq: 2, started }));
    await writeClaim(common, {
      ...newClaim("dead", 1, { phase: "research", agent: "researcher", seq: 1, started }),
      pid: deadPid(),
    });
    await writeClaim(common, {
      ...newClaim("idle", 7, { phase: null, agent: null, seq: null, started: null }),
      active: false,
    });
    expect(isEpochCurrent(common, "mine", 3)).toBe(true);
    expect(isEpochCurrent(common, "mine", 2)).toBe(false);
    expect(isEpochCurrent(common, "idle", 7)).toBe(false);
    expect(isEpochCurrent(common, "dead", 1)).toBe(false);
    const active = readActiveClaims(common);
    expect(active.map((c) => [c.task, c.phase, c.agent, c.alive])).toEqual([
      ["dead", "research", "researcher", false],
      ["mine", "plan", "planner", true],
    ]);
    expect(readClaim(common, "idle")).toMatchObject({ epoch: 7, active: false });
    expect(readClaim(common, "never")).toBeNull();
  });
});

describe("a run that lost its claim never lands", () => {
  it("is recorded as lost-claim when another claim took the task during the run", async () => {
    const root = fleetRepo();
    dropIdea(root, "raced", "---\nstatus: ready\n---\n# Raced\n");
    const common = path.join(root, ".git");
    const { c } = await coordinator(root, async (req) => {
      // Another coordinator claims the task meanwhile: the epoch moves on.
      const claim = readClaim(common, req.taskId);
      if (claim) await writeClaim(common, { ...claim, epoch: claim.epoch + 1, pid: deadPid() });
      writeFileSync(path.join(req.outputDir, "research.md"), "# Found\n");
      return undefined;
    });
    await c.reconcile({ full: true });
    await c.whenJobEnds();
    const paths = fleetPaths(root);
    const task = readTask(paths, "raced");
    expect(task?.ok && task.task.record).toMatchObject({ phase: "research", status: "running" });
    expect(readResearch(paths, "raced")).toBeNull();
    const [run] = readRuns(paths, "raced");
    expect(run?.record).toMatchObject({ outcome: "lost-claim", epoch: 1 });
    expect(run?.record.reason).toMatch(/epoch 1 is no longer current/);
    expect(gitOut(root, "log", "-1", "--format=%(trailers:key=Fleet-Event,valueonly)")).toBe("lost-claim");
    expect(readClaim(common, "raced")).toMatchObject({ epoch: 2 });
  });

  it("is recorded as lost-claim when a person changed the task meanwhile, and the claim is released", async () => {
    const root = fleetRepo();
    dropIdea(root, "dropped", "---\nstatus: ready\n---\n# Dropped\n");
    const file = path.join(root, ".fleet/queue/dropped.md");
    const { c } = await coordinator(root, (req) => {
      writeFileSync(
        file,
        readFileSync(file, "utf8")
          .replace("phase: research", "phase: dropped")
          .replace("status: running", "status: ready"),
      );
      writeFileSync(path.join(req.outputDir, "research.md"), "# Found\n");
      return undefined;
    });
    await drain(c);
    const task = readTask(fleetPaths(root), "dropped");
    expect(task?.ok && task.task.record).toMatchObject({ phase: "dropped", status: "ready" });
    expect(readRuns(fleetPaths(root), "dropped")[0]?.record.reason).toMatch(
      /task changed while it ran \(now dropped \/ ready\)/,
    );
    expect(readClaim(path.join(root, ".git"), "dropped")).toMatchObject({ active: false, epoch: 1 });
  });

  it("leaves alone a run record the new holder already settled (a daemon paused past its lease)", async () => {
    const root = fleetRepo();
    dropIdea(root, "paused", "---\nstatus: ready\n---\n# Paused\n");
    const common = path.join(root, ".git");
    const paths = fleetPaths(root);
    let settledBytes = "";
    const { c } = await coordinator(root, async (req) => {
      // While this daemon is paused, a new one takes the lease: its recovery records the run as
      // interrupted, commits that, and the task's epoch moves on.
      const [run] = readRuns(paths, req.taskId);
      if (!run) throw new Error("no run record");
      await writeRun(
        paths,
        { ...run.record, outcome: "interrupted", reason: "the daemon stopped" },
        run.body,
      );
      gitOut(root, "add", ".fleet");
      gitOut(root, "commit", "-q", "-m", "recovered by the new holder");
      settledBytes = readFileSync(path.join(root, runRel(paths, run.record)), "utf8");
      const claim = readClaim(common, req.taskId);
      if (claim) await writeClaim(common, { ...claim, epoch: claim.epoch + 1, pid: deadPid() });
      writeFileSync(path.join(req.outputDir, "research.md"), "# Found\n");
      return undefined;
    });
    await c.reconcile({ full: true });
    await c.whenJobEnds();
    const [run] = readRuns(paths, "paused");
    expect(run?.record).toMatchObject({ outcome: "interrupted", reason: "the daemon stopped" });
    expect(readFileSync(path.join(root, runRel(paths, run?.record ?? ({} as never))), "utf8")).toBe(
      settledBytes,
    );
    // Nothing committed after the new holder's own commit.
    expect(gitOut(root, "log", "-1", "--format=%s")).toBe("recovered by the new holder");
  });
});
