/**
 * Claiming a task for one phase: take its lock, then — under the state lock — check that the file still
 * says what {@link decide} saw, raise the epoch, write the claim file, the run record (`running`) and
 * the task (`<phase> / running`), and commit that as the `started` event. What follows (the agent
 * run) happens outside every lock but the task's own.
 */
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { commitFleet } from "../git/commit-fleet.js";
import { type Action, phaseToRun } from "../lifecycle/decide.js";
import { startRun } from "../lifecycle/run-transitions.js";
import { writeFileAtomically } from "../store/atomic-write.js";
import { relativeToRoot, runPath, taskPath } from "../store/paths.js";
import type { Loaded } from "../store/read-file.js";
import { readTask } from "../store/read-tasks.js";
import type { Agent } from "../store/schemas/agent.js";
import type { Task } from "../store/schemas/task.js";
import { withStateLock } from "../store/state-lock.js";
import { serializeTask, writeRun, writeTask } from "../store/write-records.js";
import { lockTask, newClaim, readClaim, type TaskLock, writeClaim } from "./claims.js";
import { agentLabel, type CoordinatorContext } from "./context.js";
import { lastRunNumbers, runRel, startedRun } from "./run-records.js";
import { outputsDir, promptsDir, runLog } from "./runtime-dirs.js";

/** A claim that was taken: the task as claimed, its epoch, run number and attempt. */
export interface Claimed {
  action: Action;
  task: Task;
  taskBody: string;
  agent: Loaded<Agent> | null;
  epoch: number;
  seq: number;
  attempt: number;
  started: Date;
  lock: TaskLock;
  log: { abs: string; rel: string };
  outputDir: string;
  promptFile: string;
}

/**
 * Claims `action.taskId` for `action.phase`.
 * @returns the claim, or null when another holder has the task's lock or the task changed since the
 *   decision (it is no longer ready for that phase).
 * @throws GitError/FleetError when the `started` commit fails (the files are then put back).
 */
export async function claimJob(
  ctx: CoordinatorContext,
  action: Action,
  agent: Loaded<Agent> | null,
): Promise<Claimed | null> {
  const { repo, paths } = ctx;
  const lock = await lockTask(repo.commonDir, action.taskId);
  if (!lock) return null;
  try {
    const claimed = await withStateLock(repo.commonDir, async () => {
      const read = readTask(paths, action.taskId);
      if (!read?.ok || !read.task.normalized) return null;
      const { record, body } = read.task;
      if (record.status !== "ready" || phaseToRun(record.phase) !== action.phase) return null;
      const started = ctx.now();
      const last = lastRunNumbers(paths, record.id);
      const prev = readClaim(repo.commonDir, record.id);
      const epoch = Math.max(prev?.epoch ?? 0, last.epoch) + 1;
      const seq = last.seq + 1;
      const attempt = (record.attempts[action.phase] ?? 0) + 1;
      const log = runLog(repo.commonDir, record.id, seq, action.phase);
      const task = startRun(record, action.phase, started);
      const run = startedRun({
        task: record.id,
        seq,
        phase: action.phase,
        agent: action.agent,
        runner: agent?.record.runner ?? null,
        model: agent?.record.model ?? null,
        attempt,
        epoch,
        started,
        log: log.rel,
      });
      await writeClaim(
        repo.commonDir,
        newClaim(record.id, epoch, {
          phase: action.phase,
          agent: action.agent,
          seq,
          started: started.toISOString(),
        }),
      );
      const taskFile = taskPath(paths, record.id);
      const runFile = runPath(paths, record.id, seq, action.phase);
      try {
        await writeRun(paths, run, "");
        await writeTask(paths, task, body);
        await commitFleet(repo, {
          event: {
            task: record.id,
            phase: action.phase,
            event: "started",
            title: record.title,
            agent: agentLabel(action.agent, agent?.record.runner, agent?.record.model),
            run: seq,
            epoch,
          },
          paths: [relativeToRoot(paths.root, taskFile), runRel(paths, run)],
        });
      } catch (err) {
        await writeFileAtomically(taskFile, serializeTask(record, body));
        rmSync(runFile, { force: true });
        const idle = newClaim(record.id, epoch, { phase: null, agent: null, seq: null, started: null });
        await writeClaim(repo.commonDir, { ...idle, active: false });
        throw err;
      }
      return { task, taskBody: body, epoch, seq, attempt, started, log };
    });
    if (!claimed) {
      await lock.release();
      return null;
    }
    const outputDir = path.join(outputsDir(repo.commonDir), `${action.taskId}-${claimed.epoch}`);
    rmSync(outputDir, { recursive: true, force: true });
    mkdirSync(outputDir, { recursive: true });
    mkdirSync(path.dirname(claimed.log.abs), { recursive: true });
    mkdirSync(promptsDir(repo.commonDir), { recursive: true });
    const promptFile = path.join(promptsDir(repo.commonDir), `${action.taskId}-${claimed.epoch}.md`);
    return { action, agent, lock, outputDir, promptFile, ...claimed };
  } catch (err) {
    await lock.release().catch(() => {});
    throw err;
  }
}
