/**
 * The coordinator: the one writer of lifecycle state (design.md §3). {@link Coordinator.reconcile}
 * is level-triggered — it reads the whole state (cached by file stat), fills in hand-dropped ideas,
 * asks {@link decide} what to start and claims it; each claimed job then runs its phase's executor in
 * the background and lands its result. Running it twice changes nothing new.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import type { Runner } from "../agents/types.js";
import type { Repo } from "../git/repo.js";
import { removeWorktree } from "../git/worktree.js";
import { type Action, decide, type Waiting } from "../lifecycle/decide.js";
import { fleetPaths } from "../store/paths.js";
import type { Problem } from "../store/read-file.js";
import { readAgents, readConfig } from "../store/read-records.js";
import type { RunnerName } from "../store/schemas/agent.js";
import type { WorkPhase } from "../store/schemas/common.js";
import type { Config } from "../store/schemas/config.js";
import { ApprovalCache } from "./approvals.js";
import { type Claimed, claimJob } from "./claim-job.js";
import { isEpochCurrent, readClaim, readRetryTimes, writeClaim } from "./claims.js";
import type { CoordinatorContext } from "./context.js";
import { defaultExecutors } from "./executors.js";
import type { Executors, FleetLogEvent, Job, Landing } from "./job.js";
import { landJob } from "./land.js";
import { normalizeIdea, SETTLE_MS } from "./normalize.js";
import { taskRuntime } from "./runtime-dirs.js";
import { TaskIndex } from "./task-index.js";

/** How to build a coordinator. */
export interface CoordinatorOptions {
  repo: Repo;
  getRunner(name: RunnerName): Runner;
  /** Default: research, plan and implement ({@link defaultExecutors}). */
  executors?: Executors;
  /** The daemon's environment, handed to runners (which pass on only their allowlist). Default: process.env. */
  env?: NodeJS.ProcessEnv;
  onEvent?(event: FleetLogEvent): void;
  /** Called when more work may have become runnable without a file event (a job ended, a back-off ran out). */
  onWake?(): void;
  now?(): Date;
}

/** What one reconcile did. */
export interface ReconcileReport {
  started: Action[];
  waiting: Waiting[];
  problems: Problem[];
  /** Hand-dropped ideas left for the next reconcile because they changed a moment ago. */
  settling: number;
}

interface RunningJob {
  action: Action;
  started: Date;
  controller: AbortController;
  done: Promise<void>;
}

/** Aborts a job because the daemon is stopping: the run lands as `interrupted`. */
export const SHUTDOWN = "the daemon is shutting down";

/** The one writer of `.fleet/` lifecycle state for a clone. */
export class Coordinator {
  readonly index: TaskIndex;
  /** Tasks that ended `failed` (out of attempts) in this process. */
  readonly failed = new Set<string>();
  private readonly ctx: CoordinatorContext;
  private readonly executors: Executors;
  private readonly approvals: ApprovalCache;
  private readonly jobs = new Map<string, RunningJob>();
  private readonly retryAt: Map<string, number>;
  private claiming = true;
  private scanned = false;
  private wakeTimer: NodeJS.Timeout | undefined;
  private ended: Array<() => void> = [];
  private reported = new Set<string>();

  constructor(private readonly opts: CoordinatorOptions) {
    const paths = fleetPaths(opts.repo.root);
    this.ctx = {
      repo: opts.repo,
      paths,
      env: opts.env ?? process.env,
      getRunner: opts.getRunner,
      emit: (e) => opts.onEvent?.(e),
      now: opts.now ?? (() => new Date()),
    };
    this.executors = opts.executors ?? defaultExecutors();
    this.index = new TaskIndex(paths);
    this.approvals = new ApprovalCache(paths);
    this.retryAt = readRetryTimes(opts.repo.commonDir);
  }

  /** Jobs under way: task id → phase, agent and start time. */
  running(): Map<string, { phase: WorkPhase; agent: string | null; started: Date }> {
    return new Map(
      [...this.jobs].map(([id, j]) => [
        id,
        { phase: j.action.phase, agent: j.action.agent, started: j.started },
      ]),
    );
  }

  /**
   * One reconcile: refresh the task cache (all files when `full`, else only `files`), normalise
   * hand-dropped ideas, decide, and claim and start what may start.
   */
  async reconcile(opts: { full?: boolean; files?: Iterable<string> } = {}): Promise<ReconcileReport> {
    if (opts.full || !this.scanned) {
      this.index.scan();
      this.scanned = true;
    } else if (opts.files) this.index.refresh(opts.files);
    const problems: Problem[] = [];
    const config = readConfig(this.ctx.paths, problems);
    const settling = await this.normalizeIdeas();
    const agents = readAgents(this.ctx.paths, problems);
    problems.push(...this.index.problems());
    // A hand-dropped idea is started only once its frontmatter is filled in and committed (`created`).
    const tasks = [...this.index.tasks().values()].filter((t) => t.normalized).map((t) => t.record);
    const approvedPlans = new Set(
      tasks
        .filter((t) => t.phase === "implement" && t.status === "ready" && this.approvals.isApproved(t.id))
        .map((t) => t.id),
    );
    const decision = decide({
      now: this.ctx.now().getTime(),
      tasks,
      running: new Set(this.jobs.keys()),
      config,
      approvedPlans,
      executors: new Set(Object.keys(this.executors) as WorkPhase[]),
      agents: new Set(agents.keys()),
      retryAt: this.retryAt,
    });
    this.reportProblems(problems);
    const configBroken = problems.some((p) => p.file.endsWith("config.md"));
    const started: Action[] = [];
    for (const action of configBroken ? [] : decision.start) {
      if (!this.claiming) break;
      if (await this.launch(action, config, agents.get(action.agent ?? "") ?? null)) started.push(action);
    }
    this.scheduleWake();
    return { started, waiting: decision.waiting, problems, settling };
  }

  /** Resolves when some job ends (at once when none runs). */
  whenJobEnds(): Promise<void> {
    if (this.jobs.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.ended.push(resolve));
  }

  /** Stops claiming; aborts every running job (they land as interrupted) and waits for them. */
  async stop(): Promise<void> {
    this.claiming = false;
    clearTimeout(this.wakeTimer);
    for (const job of this.jobs.values()) job.controller.abort(new Error(SHUTDOWN));
    await Promise.all([...this.jobs.values()].map((j) => j.done));
  }

  /** Fills in hand-dropped ideas; returns how many must wait until they settle. */
  private async normalizeIdeas(): Promise<number> {
    let later = 0;
    const raw = [...this.index.tasks().values()].filter((t) => !t.normalized);
    for (const task of raw) {
      try {
        if ((await normalizeIdea(this.ctx, task.record.id)) === "later") later++;
      } catch (err) {
        this.ctx.emit({
          at: this.ctx.now(),
          task: task.record.id,
          phase: "idea",
          agent: null,
          event: "error",
          detail: `could not fill in the idea: ${(err as Error).message}`,
        });
      }
      this.index.refresh([path.join(this.ctx.paths.queue, `${task.record.id}.md`)]);
    }
    if (later) setTimeout(() => this.opts.onWake?.(), SETTLE_MS + 20).unref();
    return later;
  }

  private scheduleWake(): void {
    clearTimeout(this.wakeTimer);
    const now = this.ctx.now().getTime();
    let next = Number.POSITIVE_INFINITY;
    for (const [id, at] of this.retryAt) {
      if (at <= now) this.retryAt.delete(id);
      else next = Math.min(next, at);
    }
    if (Number.isFinite(next))
      this.wakeTimer = setTimeout(() => this.opts.onWake?.(), next - now + 10).unref();
  }

  private async launch(
    action: Action,
    config: Config,
    agent: Parameters<typeof claimJob>[2],
  ): Promise<boolean> {
    const executor = this.executors[action.phase];
    if (!executor) return false;
    let claimed: Claimed | null;
    try {
      claimed = await claimJob(this.ctx, action, agent);
    } catch (err) {
      this.emitFor(action, "error", { detail: `could not claim: ${(err as Error).message}` });
      return false;
    }
    if (!claimed) return false;
    const controller = new AbortController();
    const c = claimed;
    c.lock.compromised.addEventListener(
      "abort",
      () => controller.abort(new Error("the claim's lock was lost")),
      { once: true },
    );
    const { job, claimWrites } = this.makeJob(c, config, controller.signal);
    this.emitFor(action, "started", { detail: `attempt ${c.attempt}, run ${c.seq}, epoch ${c.epoch}` });
    const done = this.runJob(job, executor, c, claimWrites);
    this.jobs.set(action.taskId, { action, started: c.started, controller, done });
    return true;
  }

  /** The job for claim `c`; `claimWrites()` settles once every pgid it reported is in the claim file. */
  private makeJob(
    c: Claimed,
    config: Config,
    signal: AbortSignal,
  ): { job: Job; claimWrites: () => Promise<void> } {
    const { repo } = this.ctx;
    let claimWrites: Promise<void> = Promise.resolve();
    const job: Job = {
      ...this.ctx,
      action: c.action,
      phase: c.action.phase,
      task: c.task,
      taskBody: c.taskBody,
      config,
      agent: c.agent,
      epoch: c.epoch,
      seq: c.seq,
      attempt: c.attempt,
      started: c.started,
      signal,
      log: c.log,
      outputDir: c.outputDir,
      promptFile: c.promptFile,
      onSpawn: (pgid) => {
        claimWrites = claimWrites.then(async () => {
          const claim = readClaim(repo.commonDir, c.task.id);
          if (claim && isEpochCurrent(repo.commonDir, c.task.id, c.epoch))
            await writeClaim(repo.commonDir, { ...claim, pgids: [...claim.pgids, pgid] });
        });
      },
      emit: (e) =>
        this.ctx.emit({
          at: this.ctx.now(),
          task: c.task.id,
          phase: c.action.phase,
          agent: c.action.agent,
          ...e,
        }),
      isCurrent: () => isEpochCurrent(repo.commonDir, c.task.id, c.epoch),
    };
    return { job, claimWrites: () => claimWrites.catch(() => {}) };
  }

  private async runJob(
    job: Job,
    executor: NonNullable<Executors[WorkPhase]>,
    c: Claimed,
    claimWrites: () => Promise<void>,
  ): Promise<void> {
    let landing: Landing;
    try {
      landing = await executor(job);
    } catch (err) {
      const reason = `the fleet could not run the ${job.phase} phase: ${(err as Error).message}`;
      landing = job.signal.aborted
        ? { end: { kind: "interrupted", reason }, reason }
        : { end: { kind: "blocked", reason }, reason };
    }
    try {
      await claimWrites();
      const lost = c.lock.compromised.aborted ? "the claim's lock was lost during the run" : null;
      const landed = await landJob(job, landing, lost, this.ctx.now).catch(async (err: unknown) => {
        this.emitFor(job.action, "error", {
          detail: `could not record the result: ${(err as Error).message}`,
        });
        const reason = "the result could not be recorded";
        return landJob(job, { end: { kind: "interrupted", reason }, reason }, lost, this.ctx.now);
      });
      if (landed.event === "failed") this.failed.add(job.task.id);
      if (landed.state && !/^(research|plan) /.test(landed.state))
        await removeWorktree(job.repo, taskRuntime(job.repo.commonDir, job.task.id).checkout).catch(() => {});
      if (landing.end.kind === "try-later") {
        const at = readClaim(job.repo.commonDir, job.task.id)?.retry_at;
        if (at) this.retryAt.set(job.task.id, Date.parse(at));
      }
      this.emitFor(job.action, landed.event, {
        elapsedMs: this.ctx.now().getTime() - job.started.getTime(),
        detail: landed.state
          ? `→ ${landed.state}${landing.reason ? ` (${landing.reason})` : ""}`
          : (landing.reason ?? undefined),
      });
    } catch (err) {
      this.emitFor(job.action, "error", { detail: `could not record the result: ${(err as Error).message}` });
    } finally {
      await c.lock.release().catch(() => {});
      rmSync(job.outputDir, { recursive: true, force: true });
      rmSync(job.promptFile, { force: true });
      this.jobs.delete(job.task.id);
      for (const resolve of this.ended.splice(0)) resolve();
      this.opts.onWake?.();
    }
  }

  /** Emits each problem once, when it first appears (a file fixed and broken again is reported again). */
  private reportProblems(problems: readonly Problem[]): void {
    const now = new Set<string>();
    for (const p of problems) {
      const line = `${p.file}${p.field ? ` (${p.field})` : ""}: ${p.message}`;
      now.add(line);
      if (this.reported.has(line)) continue;
      const hold = p.file.endsWith("config.md") ? " — nothing new starts until config.md is fixed" : "";
      this.ctx.emit({
        at: this.ctx.now(),
        task: null,
        phase: null,
        agent: null,
        event: "problem",
        detail: `${line}${hold}`,
      });
    }
    this.reported = now;
  }

  private emitFor(action: Action, event: string, extra: Partial<FleetLogEvent> = {}): void {
    this.ctx.emit({
      at: this.ctx.now(),
      task: action.taskId,
      phase: action.phase,
      agent: action.agent,
      event,
      ...extra,
    });
  }
}
