/**
 * Recovery when a daemon starts (design.md §3 "Crash-safe"). It runs holding the daemon lease, so no
 * other coordinator of this clone is alive: every claim still marked active belongs to a dead one.
 *
 * 1. Agents a crash left behind are killed (the process groups recorded in claim files, checked
 *    against `/proc` on Linux) and stale task locks removed.
 * 2. A work tree a ship was bringing along when the base branch advanced is brought along first
 *    (ship-follow.ts); then a landing whose redo journal is still there is applied again and committed. Runs left
 *    `running` are recorded as `interrupted` (not an attempt) and their task goes back to
 *    `<phase> / ready`. A transition whose files were written but not committed is committed now
 *    under its own event, so it is finished rather than lost. Suspects: tasks with an active claim, tasks
 *    that say `running`, and tasks with uncommitted run records.
 * 3. The claims are released — keeping their epochs, so anything a dead run might still try to land
 *    is refused.
 * 4. Scratch folders (outputs, prompts) and temp files of cut-short atomic writes (under `.fleet/`,
 *    and of claims, journals and the lease in the runtime dir) are removed, and stale worktree
 *    records pruned; checkouts and worktrees are reused or rebuilt from git facts when a phase next
 *    needs them.
 */
import { mkdirSync, readdirSync, realpathSync, rmSync } from "node:fs";
import path from "node:path";
import { commitFleet } from "../git/commit-fleet.js";
import { git } from "../git/run-git.js";
import { eventOfOutcome, settleRun } from "../lifecycle/run-transitions.js";
import { isValidId } from "../store/ids.js";
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
import type { Task } from "../store/schemas/task.js";
import { withStateLock } from "../store/state-lock.js";
import { writeRun, writeTask } from "../store/write-records.js";
import { readClaims, writeClaim } from "./claims.js";
import { agentLabel, type CoordinatorContext } from "./context.js";
import { applyJournal, readJournals } from "./landing-journal.js";
import { killTaskProcesses } from "./orphans.js";
import { finishedRun } from "./run-records.js";
import { claimsDir, outputsDir, promptsDir } from "./runtime-dirs.js";
import { finishFollow } from "./ship-follow.js";

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
  /** A work tree brought along to the base branch a ship had advanced, when a crash cut that short. */
  followed: string | null;
  /** What a person must look at (one sentence each, with what to run). */
  warnings: string[];
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
    // A run that ended but whose landing was never committed is committed now, under its own event.
    const last = interrupted ? undefined : readRuns(ctx.paths, id).at(-1)?.record;
    const named = last && task && WORK.has(last.phase) ? last : undefined;
    const commit = await commitFleet(ctx.repo, {
      event: {
        task: id,
        phase: named?.phase ?? task?.record.phase ?? "fleet",
        event: interrupted
          ? "interrupted"
          : named && task
            ? eventOfOutcome(named.phase as WorkPhase, named.outcome, task.record)
            : "recovered",
        title: task?.record.title,
        body: interrupted ? reason : "committed on restart: the daemon stopped before it could",
        ...(named
          ? {
              agent: agentLabel(named.agent, named.runner, named.model),
              run: named.seq,
              epoch: named.epoch,
              costUsd: named.cost.usd,
            }
          : {}),
      },
      paths: taskPaths(ctx, id),
      mayDelete: [],
    });
    return { interrupted, commit: commit !== null };
  });
}

/** A temp file of an atomic write cut short (`x.md.1234567890`, the naming of atomic-write.ts). */
const ATOMIC_LEFTOVER = /^.+\.[^./]+\.\d{1,10}$/;

/**
 * What `git status` shows uncommitted under `.fleet/`: tasks with run records not yet committed (only
 * the coordinator writes runs, so each is ours) and temp files of atomic writes a crash cut short.
 */
async function uncommitted(ctx: CoordinatorContext): Promise<{ runTasks: string[]; leftovers: string[] }> {
  const fleet = relativeToRoot(ctx.paths.root, ctx.paths.fleet);
  const runs = relativeToRoot(ctx.paths.root, ctx.paths.runs);
  const out = await git(["status", "--porcelain", "-z", "--untracked-files=all", "--", fleet], {
    cwd: ctx.repo.root,
  });
  const ids = new Set<string>();
  const leftovers: string[] = [];
  for (const entry of out.stdout.split("\0")) {
    const rel = entry.slice(3);
    if (entry.startsWith("?? ") && ATOMIC_LEFTOVER.test(path.basename(rel))) leftovers.push(rel);
    const id = rel.startsWith(`${runs}/`) ? rel.slice(runs.length + 1).split("/")[0] : undefined;
    if (id && isValidId(id)) ids.add(id);
  }
  return { runTasks: [...ids], leftovers };
}

/**
 * A commit killed after moving HEAD but before refreshing the index leaves `.fleet/` files staged as
 * their old content (`git status`: `MM`) though the work tree matches HEAD. Unstage exactly those —
 * only the index changes, and only where the work tree already equals HEAD.
 */
async function refreshIndex(ctx: CoordinatorContext): Promise<void> {
  const fleet = relativeToRoot(ctx.paths.root, ctx.paths.fleet);
  const names = async (args: string[]) =>
    (await git([...args, "--name-only", "-z", "--", fleet], { cwd: ctx.repo.root })).stdout
      .split("\0")
      .filter(Boolean);
  const staged = await names(["diff", "--cached", "HEAD"]);
  if (staged.length === 0) return;
  const changed = new Set(await names(["diff", "HEAD"]));
  const stale = staged.filter((p) => !changed.has(p));
  if (stale.length)
    await git(["reset", "-q", "HEAD", "--", ...stale.map((p) => `:(literal)${p}`)], {
      cwd: ctx.repo.root,
      okCodes: [1],
    });
}

/**
 * Recovers the clone after a crash (see the module comment). Call it once, holding the daemon lease,
 * before the first reconcile. Claims are released only after their tasks are fixed, so recovery
 * killed half-way simply starts over next time.
 */
export async function recover(
  ctx: CoordinatorContext,
  tasks: Iterable<{ record: Pick<Task, "id" | "status"> }> = readTasks(ctx.paths).tasks.values(),
): Promise<Recovery> {
  const { commonDir } = ctx.repo;
  const rt = runtimePaths(commonDir);
  mkdirSync(rt.locks, { recursive: true });
  const rtDir = realpathSync(rt.dir);
  mkdirSync(rt.work, { recursive: true, mode: 0o700 });
  const roots = [rtDir, realpathSync(rt.work)];
  const out: Recovery = {
    released: [],
    killed: [],
    interrupted: [],
    committed: [],
    followed: null,
    warnings: [],
  };
  const active = [...readClaims(commonDir).values()].filter((c) => c.active);
  for (const claim of active) out.killed.push(...killTaskProcesses(roots, claim.task, claim.pgids));
  for (const name of readdirSync(rt.locks))
    if (name.startsWith("task-")) rmSync(path.join(rt.locks, name), { recursive: true, force: true });
  // The work tree first: a landing journal's commit moves the base again, and a follow is finished
  // only while the base still stands where the ship left it.
  const follow = await finishFollow(ctx.repo);
  if (follow?.kind === "followed") out.followed = follow.worktree;
  if (follow?.kind === "left") out.warnings.push(follow.advice);
  for (const journal of readJournals(commonDir)) {
    const commit = await withStateLock(commonDir, () => applyJournal(ctx.repo, journal));
    if (commit) out.committed.push(journal.task);
  }
  const suspects = new Set(active.map((c) => c.task));
  for (const task of tasks) if (task.record.status === "running") suspects.add(task.record.id);
  const loose = await uncommitted(ctx);
  for (const rel of loose.leftovers) rmSync(path.join(ctx.paths.root, rel), { force: true });
  // Temp files of cut-short atomic writes of our own runtime files (claims, journals, the lease).
  for (const dir of [rt.dir, path.join(rt.dir, "landing"), claimsDir(commonDir)]) {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names)
      if (/\.json\.\d{1,10}$/.test(name)) rmSync(path.join(dir, name), { force: true });
  }
  for (const id of loose.runTasks) suspects.add(id);
  for (const id of [...suspects].sort()) {
    const fixed = await recoverTask(ctx, id, "the daemon stopped before the run ended");
    if (fixed.interrupted) out.interrupted.push(id);
    else if (fixed.commit && !out.committed.includes(id)) out.committed.push(id);
  }
  await withStateLock(commonDir, async () => {
    for (const claim of active) {
      await writeClaim(commonDir, { ...claim, active: false });
      out.released.push(claim.task);
    }
  });
  await refreshIndex(ctx);
  rmSync(outputsDir(commonDir), { recursive: true, force: true });
  rmSync(promptsDir(commonDir), { recursive: true, force: true });
  await git(["worktree", "prune"], { cwd: ctx.repo.root });
  return out;
}
