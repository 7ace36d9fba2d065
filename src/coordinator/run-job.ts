/**
 * One claimed job from start to end: build the {@link Job}, run the phase's executor, land its
 * result (or, if landing fails, land it as interrupted), then release the claim's lock and clean the
 * scratch folders — in `finally`, whatever happened. Process groups the job reports are added to the
 * claim file before anything lands, so a crash at any moment leaves them findable by recovery.
 */
import { rmSync } from "node:fs";
import { failpoint } from "../failpoints/failpoint.js";
import type { Action } from "../lifecycle/decide.js";
import { withStateLock } from "../store/state-lock.js";
import type { Claimed } from "./claim-job.js";
import { isEpochCurrent, readClaim, writeClaim } from "./claims.js";
import type { CoordinatorContext } from "./context.js";
import type { Definitions } from "./definitions.js";
import type { FleetLogEvent, Job, Landing, PhaseExecutor } from "./job.js";
import { type Landed, landJob } from "./land.js";
import { jobSandbox } from "./sandbox.js";

/** A job under way. */
export interface RunningJob {
  action: Action;
  started: Date;
  controller: AbortController;
  /** Settles once the job has landed and released its claim; never rejects. */
  done: Promise<void>;
}

/** What the coordinator hears about a job. */
export interface JobHooks {
  /** After landing: the landing asked for and what happened. */
  landed(job: Job, landing: Landing, landed: Landed): void;
  /** After the claim was released and scratch folders removed. */
  ended(job: Job): void;
}

function emitFor(
  ctx: CoordinatorContext,
  action: Action,
  event: string,
  extra: Partial<FleetLogEvent> = {},
): void {
  ctx.emit({ at: ctx.now(), task: action.taskId, phase: action.phase, agent: action.agent, event, ...extra });
}

/** Starts claimed job `c` with `executor` in the background, judged by `definitions`. */
export function startJob(
  ctx: CoordinatorContext,
  c: Claimed,
  definitions: Definitions,
  executor: PhaseExecutor,
  hooks: JobHooks,
): RunningJob {
  const controller = new AbortController();
  c.lock.compromised.addEventListener(
    "abort",
    () => controller.abort(new Error("the claim's lock was lost")),
    {
      once: true,
    },
  );
  const { commonDir } = ctx.repo;
  let claimWrites: Promise<void> = Promise.resolve();
  const job: Job = {
    ...ctx,
    action: c.action,
    phase: c.action.phase,
    task: c.task,
    taskBody: c.taskBody,
    config: definitions.config,
    definitions,
    agent: c.agent,
    epoch: c.epoch,
    seq: c.seq,
    attempt: c.attempt,
    started: c.started,
    signal: controller.signal,
    log: c.log,
    outputDir: c.outputDir,
    promptFile: c.promptFile,
    sandbox: jobSandbox(ctx.repo, definitions.config, ctx.env),
    onSpawn: (pgid) => {
      claimWrites = claimWrites.then(() =>
        withStateLock(commonDir, async () => {
          const claim = readClaim(commonDir, c.task.id);
          if (claim && isEpochCurrent(commonDir, c.task.id, c.epoch))
            await writeClaim(commonDir, { ...claim, pgids: [...claim.pgids, pgid] });
          failpoint("after-spawn");
        }),
      );
      // A full disk must not end the daemon (an unhandled rejection would): say so, recovery still
      // finds the process by its FLEET_TASK_ID if the group could not be recorded.
      claimWrites = claimWrites.catch((err: unknown) =>
        emitFor(ctx, c.action, "error", {
          detail: `could not record process group ${pgid}: ${(err as Error).message}`,
        }),
      );
    },
    emit: (e) => emitFor(ctx, c.action, e.event, e),
    isCurrent: () => isEpochCurrent(commonDir, c.task.id, c.epoch),
  };
  emitFor(ctx, c.action, "started", { detail: `attempt ${c.attempt}, run ${c.seq}, epoch ${c.epoch}` });
  const done = runToEnd(ctx, job, c, executor, hooks, () => claimWrites.catch(() => {}));
  return { action: c.action, started: c.started, controller, done };
}

/**
 * Lands `landing`, and while the machine is out of something (a full disk) tries again every few
 * seconds (1 s doubling to 15 s) instead of leaving the task `running` until the next restart. Gives
 * up when the job is stopped. @throws the landing's error for anything else.
 */
async function landWhenThereIsRoom(
  ctx: CoordinatorContext,
  job: Job,
  landing: Landing,
  lost: string | null,
): Promise<Awaited<ReturnType<typeof landJob>>> {
  for (let waitMs = 1_000; ; waitMs = Math.min(waitMs * 2, 15_000)) {
    try {
      return await landJob(job, landing, lost, ctx.now);
    } catch (err) {
      if (!isExhausted(err) || job.signal.aborted) throw err;
      emitFor(ctx, job.action, "error", {
        detail: `could not record the result yet (${(err as Error).message}); trying again in ${waitMs / 1000} s`,
      });
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}

/** Errors of a machine out of something (disk, quota, file descriptors, memory): they pass. */
const RESOURCE_ERRORS = new Set(["ENOSPC", "EDQUOT", "EMFILE", "ENFILE", "ENOMEM"]);

/** True for {@link RESOURCE_ERRORS}, also when git said it ("No space left on device"). */
function isExhausted(err: unknown): boolean {
  if (RESOURCE_ERRORS.has((err as NodeJS.ErrnoException).code ?? "")) return true;
  return /No space left on device|Out of diskspace|Disk quota exceeded|Too many open files/i.test(
    `${(err as Error).message ?? ""} ${(err as { stderr?: string }).stderr ?? ""}`,
  );
}

async function runToEnd(
  ctx: CoordinatorContext,
  job: Job,
  c: Claimed,
  executor: PhaseExecutor,
  hooks: JobHooks,
  claimWrites: () => Promise<void>,
): Promise<void> {
  let landing: Landing;
  try {
    if (job.sandbox.mode === "unavailable") {
      // Secure by default: no agent or gate runs bare unless config.md says `sandbox: off`.
      const reason = `${job.sandbox.reason}. ${job.sandbox.fix}`;
      landing = { end: { kind: "blocked", reason }, reason };
    } else landing = await executor(job);
  } catch (err) {
    const reason = `the fleet could not run the ${job.phase} phase: ${(err as Error).message}`;
    // A full disk or an exhausted file table passes: try again after a back-off, not an attempt, and
    // without a person having to answer anything.
    const exhausted = isExhausted(err);
    landing = {
      end: job.signal.aborted
        ? { kind: "interrupted", reason }
        : exhausted
          ? { kind: "try-later", reason }
          : { kind: "blocked", reason },
      reason,
    };
  }
  try {
    await claimWrites();
    failpoint("after-gates");
    const lost = c.lock.compromised.aborted ? "the claim's lock was lost during the run" : null;
    const landed = await landWhenThereIsRoom(ctx, job, landing, lost).catch(async (err: unknown) => {
      emitFor(ctx, job.action, "error", { detail: `could not record the result: ${(err as Error).message}` });
      const reason = "the result could not be recorded";
      landing = { end: { kind: "interrupted", reason }, reason };
      return landJob(job, landing, lost, ctx.now);
    });
    hooks.landed(job, landing, landed);
    emitFor(ctx, job.action, landed.event, {
      elapsedMs: ctx.now().getTime() - job.started.getTime(),
      detail: landed.state
        ? `→ ${landed.state}${landing.reason ? ` (${landing.reason})` : ""}`
        : (landing.reason ?? undefined),
    });
  } catch (err) {
    emitFor(ctx, job.action, "error", { detail: `could not record the result: ${(err as Error).message}` });
  } finally {
    await c.lock.release().catch(() => {});
    rmSync(job.outputDir, { recursive: true, force: true });
    rmSync(job.promptFile, { force: true });
    hooks.ended(job);
  }
}
