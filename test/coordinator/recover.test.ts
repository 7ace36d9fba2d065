import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { newClaim, readClaim, writeClaim } from "../../src/coordinator/claims.js";
import type { CoordinatorContext } from "../../src/coordinator/context.js";
import { readJournals, writeJournal } from "../../src/coordinator/landing-journal.js";
import { commitNewIdeas } from "../../src/coordinator/normalize.js";
import { recover } from "../../src/coordinator/recover.js";
import { startedRun } from "../../src/coordinator/run-records.js";
import { writeFollowJournal } from "../../src/coordinator/ship-follow.js";
import { isPidAlive } from "../../src/git/file-lock.js";
import { findRepo, type Repo } from "../../src/git/repo.js";
import { startRun } from "../../src/lifecycle/run-transitions.js";
import { stringifyFrontmatter } from "../../src/store/frontmatter.js";
import { fleetPaths, runtimePaths } from "../../src/store/paths.js";
import { readRuns } from "../../src/store/read-records.js";
import { readTask } from "../../src/store/read-tasks.js";
import { LAYOUT, serializeTask, writeRun, writeTask } from "../../src/store/write-records.js";
import { commitFiles } from "../gates/fixture.js";
import { writeTaskFile } from "../helpers/fleet-fixtures.js";
import { gitOut, writeFile } from "../helpers/temp-repo.js";
import { fleetRepo } from "./helpers.js";

const orphans: number[] = [];
afterEach(() => {
  for (const pid of orphans.splice(0)) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // gone
    }
  }
});

/** What recovery is given: the clone, no runner (recovery runs no agent), events dropped, `now`. */
function recoveryContext(repo: Repo, now = () => new Date()): CoordinatorContext {
  return {
    repo,
    paths: fleetPaths(repo.root),
    env: {},
    getRunner: () => {
      throw new Error("no runs in recovery");
    },
    emit: () => {},
    now,
  };
}

async function crashedRepo() {
  const root = fleetRepo();
  const repo = await findRepo(root);
  const paths = fleetPaths(root);
  writeTaskFile(root, { id: "mid", phase: "idea", status: "ready" });
  gitOut(root, "add", ".fleet");
  gitOut(root, "commit", "-q", "-m", "idea");
  // What a daemon leaves when killed mid-run: the task running, its run record open, an active claim
  // naming a dead pid, and an agent still alive in its own process group.
  const started = new Date("2026-11-21T03:00:00Z");
  const read = readTask(paths, "mid");
  if (!read?.ok) throw new Error("no task");
  await writeTask(paths, startRun(read.task.record, "research", started), read.task.body);
  await writeRun(
    paths,
    startedRun({
      task: "mid",
      seq: 1,
      phase: "research",
      agent: "researcher",
      runner: "command",
      model: null,
      attempt: 1,
      epoch: 4,
      started,
      log: "fleet/logs/mid/001-research.log",
    }),
    "",
  );
  gitOut(root, "add", ".fleet");
  gitOut(root, "commit", "-q", "-m", "started");
  const out = path.join(runtimePaths(repo.commonDir).dir, "outputs", "mid-4");
  mkdirSync(out, { recursive: true });
  const agent = spawn("sleep", ["1000"], {
    detached: true,
    stdio: "ignore",
    env: { PATH: process.env.PATH, FLEET_TASK_ID: "mid", FLEET_OUTPUT_DIR: out },
  });
  orphans.push(agent.pid ?? 0);
  const dead = spawnSync("true").pid ?? 999_999;
  await writeClaim(repo.commonDir, {
    ...newClaim("mid", 4, { phase: "research", agent: "researcher", seq: 1, started: started.toISOString() }),
    pid: dead,
    pgids: [agent.pid ?? 0],
  });
  return { root, repo, paths, agent: agent.pid ?? 0 };
}

describe("recover", () => {
  it("kills the orphaned agent, records the run as interrupted, readies the task and keeps the epoch", async () => {
    const { root, repo, paths, agent } = await crashedRepo();
    expect(isPidAlive(agent)).toBe(true);
    const ctx = recoveryContext(repo, () => new Date("2026-11-21T03:05:00Z"));
    const r = await recover(ctx);
    expect(r).toMatchObject({ released: ["mid"], interrupted: ["mid"], committed: [] });
    expect(r.killed).toEqual([-agent]);
    expect(isPidAlive(agent)).toBe(false);
    const task = readTask(paths, "mid");
    expect(task?.ok && task.task.record).toMatchObject({ phase: "research", status: "ready", attempts: {} });
    expect(readRuns(paths, "mid")[0]?.record).toMatchObject({
      outcome: "interrupted",
      finished: "2026-11-21T03:05:00Z",
    });
    expect(readClaim(repo.commonDir, "mid")).toMatchObject({ active: false, epoch: 4 });
    expect(gitOut(root, "log", "-1", "--format=%(trailers:key=Fleet-Event,valueonly)")).toBe("interrupted");
    expect(gitOut(root, "status", "--porcelain")).toBe("");
    // A second recovery finds nothing left to do.
    expect(await recover(ctx)).toEqual({
      released: [],
      killed: [],
      interrupted: [],
      committed: [],
      followed: null,
      warnings: [],
    });
  });

  it("finishes a transition whose files were written but not committed", async () => {
    const root = fleetRepo();
    const repo = await findRepo(root);
    const paths = fleetPaths(root);
    writeTaskFile(root, {
      id: "half",
      phase: "plan",
      status: "awaiting-approval",
      attempts: { research: 1, plan: 1 },
    });
    const run = {
      ...startedRun({
        task: "half",
        seq: 2,
        phase: "plan",
        agent: "planner",
        runner: "command",
        model: null,
        attempt: 1,
        epoch: 2,
        started: new Date(),
        log: "x",
      }),
      outcome: "finished" as const,
    };
    await writeRun(paths, run, "");
    await writeClaim(repo.commonDir, {
      ...newClaim("half", 2, { phase: "plan", agent: "planner", seq: 2, started: null }),
      pid: spawnSync("true").pid ?? 999_999,
    });
    const r = await recover(recoveryContext(repo));
    expect(r).toMatchObject({ released: ["half"], interrupted: [], committed: ["half"] });
    const trailers = gitOut(root, "log", "-1", "--format=%(trailers:only,unfold)");
    expect(trailers).toContain("Fleet-Event: proposed");
    expect(trailers).toContain("Fleet-Agent: planner (command)");
    expect(trailers).toContain("Fleet-Run: 2");
    expect(gitOut(root, "status", "--porcelain")).toBe("");
    expect(readFileSync(path.join(root, ".fleet/queue/half.md"), "utf8")).toContain(
      "status: awaiting-approval",
    );
  });

  it("finds a run record left uncommitted even when no claim or task says running", async () => {
    const root = fleetRepo();
    const repo = await findRepo(root);
    const paths = fleetPaths(root);
    writeTaskFile(root, { id: "lost", phase: "idea", status: "ready" });
    gitOut(root, "add", ".fleet");
    gitOut(root, "commit", "-q", "-m", "idea");
    // Killed between writing the run record and the task (an earlier recovery already released the claim).
    await writeRun(
      paths,
      startedRun({
        task: "lost",
        seq: 1,
        phase: "research",
        agent: "researcher",
        runner: "command",
        model: null,
        attempt: 1,
        epoch: 1,
        started: new Date(),
        log: "x",
      }),
      "",
    );
    await writeClaim(repo.commonDir, {
      ...newClaim("lost", 1, { phase: null, agent: null, seq: null, started: null }),
      active: false,
    });
    // …and an atomic write cut short: its temp file beside the target.
    writeFileSync(path.join(root, ".fleet/queue/lost.md.1094430841"), "---\nid: lo");
    const r = await recover(recoveryContext(repo));
    expect(r.interrupted).toEqual(["lost"]);
    expect(readRuns(paths, "lost")[0]?.record.outcome).toBe("interrupted");
    expect(existsSync(path.join(root, ".fleet/queue/lost.md.1094430841"))).toBe(false);
    expect(gitOut(root, "status", "--porcelain")).toBe("");
  });

  it("finishes a landing that a crash cut in half, from its journal, instead of running the phase again", async () => {
    const { root, repo, paths } = await crashedRepo();
    const read = readTask(paths, "mid");
    if (!read?.ok) throw new Error("no task");
    const advanced = {
      ...read.task.record,
      phase: "plan" as const,
      status: "ready" as const,
      attempts: { research: 1 },
    };
    const run = {
      ...startedRun({
        task: "mid",
        seq: 1,
        phase: "research",
        agent: "researcher",
        runner: "command",
        model: null,
        attempt: 1,
        epoch: 4,
        started: new Date("2026-11-21T03:00:00Z"),
        log: "x",
      }),
      outcome: "finished" as const,
    };
    await writeJournal(repo.commonDir, {
      task: "mid",
      epoch: 4,
      removeDirs: [],
      writes: [
        { rel: ".fleet/research/mid.md", text: "---\ntask: mid\n---\n# Found\n" },
        { rel: ".fleet/runs/mid/001-research.md", text: stringifyFrontmatter(run, "", LAYOUT.run) },
        { rel: ".fleet/queue/mid.md", text: serializeTask(advanced, read.task.body) },
      ],
      event: {
        task: "mid",
        phase: "research",
        event: "researched",
        agent: "researcher (command)",
        run: 1,
        epoch: 4,
      },
    });
    // The crash came after the run record was written, before the task was.
    writeFileSync(
      path.join(root, ".fleet/runs/mid/001-research.md"),
      stringifyFrontmatter(run, "", LAYOUT.run),
    );
    const r = await recover(recoveryContext(repo));
    expect(r).toMatchObject({ committed: ["mid"], interrupted: [] });
    const after = readTask(paths, "mid");
    expect(after?.ok && after.task.record).toMatchObject({
      phase: "plan",
      status: "ready",
      attempts: { research: 1 },
    });
    expect(readRuns(paths, "mid").map((x) => x.record.outcome)).toEqual(["finished"]);
    expect(gitOut(root, "log", "-1", "--format=%(trailers:key=Fleet-Event,valueonly)")).toBe("researched");
    expect(readJournals(repo.commonDir)).toEqual([]);
    expect(gitOut(root, "status", "--porcelain")).toBe("");
  });

  it("refreshes index entries a commit killed after moving HEAD left stale, and only those", async () => {
    const root = fleetRepo();
    const repo = await findRepo(root);
    const file = ".fleet/queue/idx.md";
    writeTaskFile(root, { id: "idx", phase: "idea", status: "draft" });
    gitOut(root, "add", file);
    gitOut(root, "commit", "-q", "-m", "v1");
    const v1 = gitOut(root, "rev-parse", `HEAD:${file}`);
    writeTaskFile(root, { id: "idx", phase: "idea", status: "ready" });
    gitOut(root, "add", file);
    gitOut(root, "commit", "-q", "-m", "v2");
    gitOut(root, "update-index", "--cacheinfo", `100644,${v1},${file}`);
    writeTaskFile(root, { id: "mine", phase: "idea", status: "draft" });
    gitOut(root, "add", ".fleet/queue/mine.md");
    expect(gitOut(root, "status", "--porcelain")).toBe(`MM ${file}\nA  .fleet/queue/mine.md`);
    await recover(recoveryContext(repo));
    expect(gitOut(root, "status", "--porcelain")).toBe("A  .fleet/queue/mine.md");
  });

  it("brings the person's work tree along first, before other tasks' journals move the base again", async () => {
    const root = fleetRepo();
    writeFile(root, "src/a.js", "a1\n");
    writeFile(root, "src/b.js", "b1\n");
    gitOut(root, "add", "-A");
    gitOut(root, "commit", "-q", "-m", "files");
    const repo = await findRepo(root);
    const from = gitOut(root, "rev-parse", "HEAD");
    const to = commitFiles(root, from, { "src/a.js": "a2\n", "src/b.js": null }, "shipped");
    // Killed between moving main and updating the work tree, while another task's landing was journalled.
    await writeFollowJournal(repo, {
      worktree: root,
      base: "main",
      from,
      to,
      kept: ["src/a.js"],
      deleted: ["src/b.js"],
    });
    gitOut(root, "update-ref", "refs/heads/main", to, from);
    await writeJournal(repo.commonDir, {
      task: "other",
      epoch: 1,
      removeDirs: [],
      writes: [{ rel: ".fleet/research/other.md", text: "---\ntask: other\n---\n# Found\n" }],
      event: { task: "other", phase: "research", event: "researched" },
    });
    const r = await recover(recoveryContext(repo));
    expect(r.followed).toBe(root);
    expect(r.warnings).toEqual([]);
    expect(readFileSync(path.join(root, "src/a.js"), "utf8")).toBe("a2\n");
    expect(existsSync(path.join(root, "src/b.js"))).toBe(false);
    // Nothing staged that a `git commit -a` would use to undo the ship.
    expect(gitOut(root, "status", "--porcelain")).toBe("");
    expect(gitOut(root, "log", "-1", "--format=%(trailers:key=Fleet-Event,valueonly)")).toBe("researched");
  });

  it("removes temp files of cut-short atomic writes of claims and journals (kill -9 after the temp write)", async () => {
    const root = fleetRepo();
    const repo = await findRepo(root);
    const rt = runtimePaths(repo.commonDir);
    mkdirSync(path.join(rt.dir, "landing"), { recursive: true });
    mkdirSync(path.join(rt.dir, "claims"), { recursive: true });
    writeFileSync(path.join(rt.dir, "landing", "t11.json.1244015"), "{");
    writeFileSync(path.join(rt.dir, "claims", "t2.json.55001"), "{");
    writeFileSync(path.join(rt.dir, "ship-follow.json.77002"), "{");
    await recover(recoveryContext(repo));
    expect(existsSync(path.join(rt.dir, "landing", "t11.json.1244015"))).toBe(false);
    expect(existsSync(path.join(rt.dir, "claims", "t2.json.55001"))).toBe(false);
    expect(existsSync(path.join(rt.dir, "ship-follow.json.77002"))).toBe(false);
  });

  it("commits as created a new task file a killed commit left staged but not in HEAD", async () => {
    const root = fleetRepo();
    const repo = await findRepo(root);
    writeTaskFile(root, { id: "staged", phase: "idea", status: "ready" });
    gitOut(root, "add", ".fleet/queue/staged.md"); // what our index refresh did before HEAD moved
    await commitNewIdeas(recoveryContext(repo), ["staged.md"]);
    expect(gitOut(root, "log", "-1", "--format=%(trailers:key=Fleet-Event,valueonly)")).toBe("created");
    expect(gitOut(root, "status", "--porcelain")).toBe("");
  });
});
