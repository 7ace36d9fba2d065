/**
 * Recovery when a daemon starts (design.md §3 "Crash-safe"). It runs holding the daemon lease, so no
 * other coordinator of this clone is alive: every claim still marked active belongs to a dead one.
 *
 * 1. Agents a crash left behind are killed (the process groups recorded in claim files, checked
 *    against `/proc` on Linux), stale task locks removed, claims released — keeping their epochs, so
 *    anything a dead run might still try to land is refused.
 * 2. Runs left `running` are recorded as `interrupted` (not an attempt) and their task goes back to
 *    `<phase> / ready`. A transition whose files were written but not committed is committed now
 *    (`recovered`), so it is finished rather than lost.
 * 3. Scratch folders (outputs, prompts) are emptied and stale worktree records pruned; checkouts and
 *    worktrees are reused or rebuilt from git facts when a phase next needs them.
 */
import { mkdirSync, readdirSync, realpathSync, rmSync } from "node:fs";
import path from "node:path";
import { commitFleet } from "../git/commit-fleet.js";
import { git } from "../git/run-git.js";
import { settleRun } from "../lifecycle/run-transitions.js";
import {
  acceptanceFilesDir,
  acceptancePath,
  planPath,
  relativeToRoot,
  researchPath,
  runsDir,
  runtimePaths,
  taskPath,
} from "../store/paths.js";
import { readRuns } from "../store/read-records.js";
import { readTask, readTasks } from "../store/read-tasks.js";
import type { WorkPhase } from "../store/schemas/common.js";
import { withStateLock } from "../store/state-lock.js";
import { writeRun, writeTask } from "../store/write-records.js";
import { readClaims, writeClaim } from "./claims.js";
import type { CoordinatorContext } from "./context.js";
import { killTaskProcesses } from "./orphans.js";
import { finishedRun } from "./run-records.js";
import { outputsDir, promptsDir, taskRuntime } from "./runtime-dirs.js";

/** What recovery did. */
export interface Recovery {
  /** Claims of a dead daemon that were released. */
  released: string[];
  /** Processes (negative: whole groups) killed. */
  killed: number[];
  /** Tasks whose running run was recorded as interrupted. */
  interrupted: string[];
  /** Tasks whose uncommitted transition was committed. */
  committed: string[];
}

const WORK = new Set(["research", "plan", "implement", "ship"]);

function taskPaths(ctx: CoordinatorContext, id: string): string[] {
  const p = ctx.paths;
  return [
    taskPath(p, id),
    researchPath(p, id),
    planPath(p, id),
    acceptancePath(p, id),
    acceptanceFilesDir(p, id),
    runsDir(p, id),
  ].map((abs) => relativeToRoot(p.root, abs));
}

/** Fixes one task under the state lock; returns whether a run was interrupted and whether a commit was made. */
async function recoverTask(
  ctx: CoordinatorContext,
  id: string,
  reason: string,
): Promise<{ interrupted: boolean; commit: boolean }> {
  return withStateLock(ctx.repo.commonDir, async () => {
    const now = ctx.now();
    let interrupted = false;
    for (const run of readRuns(ctx.paths, id)) {
      if (run.record.outcome !== "running") continue;
      await writeRun(ctx.paths, finishedRun(run.record, now, { outcome: "interrupted", reason }), run.body);
      interrupted = true;
    }
    const read = readTask(ctx.paths, id);
    const task = read?.ok ? read.task : null;
    if (task && task.record.status === "running" && WORK.has(task.record.phase)) {
      const settled = settleRun(
        task.record,
        task.record.phase as WorkPhase,
        { kind: "interrupted", reason },
        { maxAttempts: 1, now },
      );
      await writeTask(ctx.paths, settled.task, task.body);
      interrupted = true;
    }
    const commit = await commitFleet(ctx.repo, {
      event: {
        task: id,
        phase: task?.record.phase ?? "fleet",
        event: interrupted ? "interrupted" : "recovered",
        title: task?.record.title,
        body: reason,
      },
      paths: taskPaths(ctx, id),
    });
    return { interrupted, commit: commit !== null };
  });
}

/**
 * Recovers the clone after a crash (see the module comment). Call it once, holding the daemon lease,
 * before the first reconcile.
 */
export async function recover(ctx: CoordinatorContext): Promise<Recovery> {
  const { commonDir } = ctx.repo;
  const rt = runtimePaths(commonDir);
  mkdirSync(rt.locks, { recursive: true });
  const rtDir = realpathSync(rt.dir);
  const out: Recovery = { released: [], killed: [], interrupted: [], committed: [] };
  const suspects = new Set<string>();
  await withStateLock(commonDir, async () => {
    for (const [id, claim] of readClaims(commonDir)) {
      rmSync(taskRuntime(commonDir, id).lockDir, { recursive: true, force: true });
      if (!claim.active) continue;
      out.killed.push(...killTaskProcesses(rtDir, id, claim.pgids));
      await writeClaim(commonDir, { ...claim, active: false });
      out.released.push(id);
      suspects.add(id);
    }
  });
  for (const name of readdirSync(rt.locks))
    if (name.startsWith("task-")) rmSync(path.join(rt.locks, name), { recursive: true, force: true });
  for (const [id, task] of readTasks(ctx.paths).tasks) if (task.record.status === "running") suspects.add(id);
  for (const id of [...suspects].sort()) {
    const fixed = await recoverTask(ctx, id, "the daemon stopped before the run ended");
    if (fixed.interrupted) out.interrupted.push(id);
    else if (fixed.commit) out.committed.push(id);
  }
  rmSync(outputsDir(commonDir), { recursive: true, force: true });
  rmSync(promptsDir(commonDir), { recursive: true, force: true });
  await git(["worktree", "prune"], { cwd: ctx.repo.root });
  return out;
}
