/**
 * Claiming a task for one phase: take its lock, then — under the state lock — check that the file still
 * says what {@link decide} saw, raise the epoch, write the claim file, the run record (`running`) and
 * the task (`<phase> / running`). Nothing is committed: a claim and a start are runtime facts (the claim
 * file, the run record's `started`), and the run's landing commits these files with its result. What
 * follows (the agent run) happens outside every lock but the task's own.
 */
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { type Action, phaseToRun } from "../lifecycle/decide.js";
import { startRun } from "../lifecycle/run-transitions.js";
import type { RemoteSession } from "../remote/remote-session.js";
import { relativeToRoot, runtimePaths, taskPath } from "../store/paths.js";
import type { Loaded } from "../store/read-file.js";
import { readTask } from "../store/read-tasks.js";
import type { Agent } from "../store/schemas/agent.js";
import type { Task } from "../store/schemas/task.js";
import { withStateLock } from "../store/state-lock.js";
import { writeRun, writeTask } from "../store/write-records.js";
import { lockTask, newClaim, readClaim, type TaskLock, writeClaim } from "./claims.js";
import type { CoordinatorContext } from "./context.js";
import { lastRunNumbers, startedRun } from "./run-records.js";
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
 * Claims `action.taskId` for `action.phase`; `definitions` is the commit the job's config, agents and
 * gates were read from (recorded in the run record).
 * @returns the claim, or null when another holder has the task's lock or the task changed since the
 *   decision (it is no longer ready for that phase).
 * @throws FleetError("locked") when the state lock cannot be had; fs errors writing the files.
 */
export async function claimJob(
  ctx: CoordinatorContext,
  action: Action,
  agent: Loaded<Agent> | null,
  definitions: string | null = null,
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
      const epoch = Math.max(prev?.epoch ?? 0, last.epoch, ctx.remote?.epochOf(record.id) ?? 0) + 1;
      // With a remote, the claim is a compare-and-swap there: of several machines exactly one wins —
      // and only from a task file that is what the remote holds (a lagging clone claims nothing).
      if (ctx.remote) {
        const rel = relativeToRoot(paths.root, taskPath(paths, record.id));
        if (!(await ctx.remote.agreesWithRemote(record.id, rel))) return null;
        if (!(await ctx.remote.claim(record.id, action.phase, epoch))) return null;
      }
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
        definitions,
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
      await writeRun(paths, run, "");
      await writeTask(paths, task, body);
      return { task, taskBody: body, epoch, seq, attempt, started, log, run, title: record.title };
    });
    if (!claimed) {
      await lock.release();
      return null;
    }
    // The work area may sit in a shared temp dir: only this user may look inside.
    mkdirSync(runtimePaths(repo.commonDir).work, { recursive: true, mode: 0o700 });
    const outputDir = path.join(outputsDir(repo.commonDir), `${action.taskId}-${claimed.epoch}`);
    rmSync(outputDir, { recursive: true, force: true });
    mkdirSync(outputDir, { recursive: true });
    mkdirSync(path.dirname(claimed.log.abs), { recursive: true });
    mkdirSync(promptsDir(repo.commonDir), { recursive: true });
    const promptFile = path.join(promptsDir(repo.commonDir), `${action.taskId}-${claimed.epoch}.md`);
    const held = ctx.remote
      ? renewing(ctx.remote, action.taskId, lock, (detail) =>
          ctx.emit({
            at: ctx.now(),
            task: action.taskId,
            phase: action.phase,
            agent: action.agent,
            event: "error",
            detail,
          }),
        )
      : lock;
    return { action, agent, lock: held, outputDir, promptFile, ...claimed };
  } catch (err) {
    await lock.release().catch(() => {});
    throw err;
  }
}

/**
 * `lock` plus the remote claim's lease, renewed every third of the lease: `compromised` also aborts
 * when a renewal finds the claim is no longer ours on the remote, or when renewals fail until the
 * lease has run out (another machine may take the task over from then on). Release stops renewing.
 */
function renewing(
  remote: RemoteSession,
  id: string,
  lock: TaskLock,
  report: (detail: string) => void,
): TaskLock {
  const controller = new AbortController();
  const lost = (why: string) => {
    if (!controller.signal.aborted) controller.abort(new Error(why));
  };
  lock.compromised.addEventListener("abort", () => lost("the claim's local lock was lost"), { once: true });
  const every = Math.max(200, Math.floor(remote.opts.leaseMs / 3));
  let renewedAt = Date.now();
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    remote
      .renew(id)
      .then(
        (ok) => {
          if (ok) renewedAt = Date.now();
          else lost("the claim on the remote was taken over or released");
        },
        (err: unknown) => {
          report(`could not renew the claim's lease: ${(err as Error).message}`);
          if (Date.now() - renewedAt >= remote.opts.leaseMs)
            lost("the claim's lease ran out while the remote was unreachable");
        },
      )
      .finally(() => {
        busy = false;
      });
  }, every);
  timer.unref();
  return {
    compromised: controller.signal,
    release: async () => {
      clearInterval(timer);
      await lock.release();
    },
  };
}
