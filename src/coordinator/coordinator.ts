/**
 * The coordinator: the one writer of lifecycle state (design.md §3). {@link Coordinator.reconcile}
 * is level-triggered — it reads the whole state (cached by file stat), takes in new queue files, asks
 * {@link decide} what to start and claims it; each claimed job then runs its phase's executor in the
 * background and lands its result. Running it twice starts nothing new. Beside it, tasks at
 * `ship / awaiting-merge` are watched for their review branch being merged ({@link MergeWatch}).
 */
import { setLogCap } from "../agents/output-capture.js";
import type { Runner } from "../agents/types.js";
import { flushDeferred } from "../git/commit-fleet.js";
import { deferredTasks } from "../git/deferred-commits.js";
import type { Repo } from "../git/repo.js";
import { type Action, type Decision, decide, type Waiting } from "../lifecycle/decide.js";
import { fleetPaths, taskPath } from "../store/paths.js";
import type { Problem } from "../store/read-file.js";
import { readConfig } from "../store/read-records.js";
import type { RunnerName } from "../store/schemas/agent.js";
import type { WorkPhase } from "../store/schemas/common.js";
import type { Config } from "../store/schemas/config.js";
import { withStateLock } from "../store/state-lock.js";
import { ApprovalCache } from "./approvals.js";
import { MergeWatch } from "./await-merge.js";
import { BudgetNotices, budgetState, RunRecords } from "./budgets.js";
import { claimJob } from "./claim-job.js";
import { readClaim, readRetryTimes } from "./claims.js";
import type { CoordinatorContext } from "./context.js";
import { type Definitions, DefinitionsAtBase } from "./definitions.js";
import { defaultExecutors } from "./executors.js";
import { Intake } from "./intake.js";
import { integrateParent } from "./integration.js";
import type { Executors, FleetLogEvent, PhaseExecutor } from "./job.js";
import { stepParents } from "./parents.js";
import { RemoteLink } from "./remote-link.js";
import { type RunningJob, startJob } from "./run-job.js";
import { runShip } from "./ship.js";
import { ShipBatchRun } from "./ship-batch-run.js";
import { finishPendingFollow, hasFollowJournal } from "./ship-follow.js";
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

/** How long a parent's integration check waits after one that landed nothing (an error, a held lock), ms. */
const INTEGRATION_BACKOFF_MS = 30_000;

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
  private readonly intake: Intake;
  private readonly jobs = new Map<string, RunningJob>();
  /** Running ships that ride in another's batch: they hold no slot of their own (decide's `riding`). */
  private readonly riders = new Set<string>();
  private readonly retryAt: Map<string, number>;
  private readonly budgetNotices = new BudgetNotices();
  private readonly runRecords: RunRecords;
  private readonly definitions: DefinitionsAtBase;
  private readonly merges: MergeWatch;
  private claiming = true;
  private scanned = false;
  private wakeTimer: NodeJS.Timeout | undefined;
  private ended: Array<() => void> = [];
  private reported = new Set<string>();
  private lastConfig: Config | null = null;
  private readonly remoteLink: RemoteLink;

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
    this.runRecords = new RunRecords(paths);
    this.definitions = new DefinitionsAtBase(opts.repo);
    this.approvals = new ApprovalCache(paths);
    this.intake = new Intake(this.ctx, this.index, () => opts.onWake?.());
    this.remoteLink = new RemoteLink(this.ctx, (task, event, detail) => this.emit(task, null, event, detail));
    this.retryAt = readRetryTimes(opts.repo.commonDir);
    this.merges = new MergeWatch(this.ctx, (file) => {
      this.index.refresh([file]);
      opts.onWake?.();
    });
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
   * One reconcile: refresh the task cache (every file when `full`, else only `files`), take in new
   * queue files, decide, and claim and start what may start.
   */
  async reconcile(opts: { full?: boolean; files?: Iterable<string> } = {}): Promise<ReconcileReport> {
    if (opts.full || !this.scanned) {
      this.index.scan();
      this.scanned = true;
    } else if (opts.files) this.index.refresh(opts.files);
    const problems: Problem[] = [];
    await this.followBase();
    // With a remote, nothing is claimed from a work tree that has not caught up with the remote's base.
    const online = (await this.syncRemote()) && !(this.ctx.remote && hasFollowJournal(this.ctx.repo));
    // Only the name of the base branch comes from the work tree; what judges comes from its tip.
    const defs = await this.definitions.current(readConfig(this.ctx.paths).base);
    problems.push(...defs.problems);
    const { config, agents } = defs;
    this.lastConfig = config;
    setLogCap(config.logs.max_bytes);
    const settling = await this.intake.run();
    // Ideas taken in just now are committed here only: a claim needs them on the remote first.
    if (this.ctx.remote && online)
      await this.ctx.remote.publish().catch((err: unknown) => {
        this.emit(null, null, "problem", `remote: ${(err as Error).message}`);
      });
    problems.push(...this.index.problems());
    const tasks = this.index.records();
    this.merges.poke(tasks, config);
    const budgets = budgetState(
      this.runRecords,
      config,
      tasks.map((t) => t.id),
      this.ctx.now(),
    );
    this.budgetNotices.announce(budgets, (task, detail) =>
      this.ctx.emit({ at: this.ctx.now(), task, phase: null, agent: null, event: "budget", detail }),
    );
    const running = new Set(this.jobs.keys());
    const decision = decide({
      ...budgets,
      now: this.ctx.now().getTime(),
      // A hand-dropped idea starts only once its frontmatter is filled in and committed (`created`).
      tasks,
      running,
      elsewhere: this.ctx.remote?.heldElsewhere(),
      config,
      approvedPlans: { has: (id) => this.approvals.isApproved(id) },
      executors: new Set(Object.keys(this.executors) as WorkPhase[]),
      agents: new Set(agents.keys()),
      retryAt: this.retryAt,
      shipBatch: this.shipBatch(defs),
      riding: this.riders,
    });
    this.reportProblems(problems);
    const configBroken = problems.some((p) => p.file.endsWith("config.md"));
    const started: Action[] = [];
    for (const action of configBroken || !online ? [] : decision.start) {
      if (!this.claiming) break;
      if (await this.launch(action, defs)) started.push(action);
    }
    // Fan-out: parents waiting for their children (a slot each for the integration check).
    const parents = await stepParents(this.ctx, tasks, new Set(this.jobs.keys())).catch((err: unknown) => {
      this.emit(null, null, "error", `fan-out: ${(err as Error).message}`);
      return { integrate: [], waiting: [] };
    });
    decision.waiting.push(...parents.waiting);
    for (const id of configBroken ? [] : parents.integrate) {
      if (!this.claiming) break;
      if (this.jobs.size >= config.concurrency) {
        decision.waiting.push({
          taskId: id,
          phase: "implement",
          why: `all ${config.concurrency} slots are busy`,
        });
        continue;
      }
      const retryAt = this.retryAt.get(id);
      if (retryAt !== undefined && this.ctx.now().getTime() < retryAt) {
        const until = new Date(retryAt).toISOString().slice(0, 19);
        decision.waiting.push({
          taskId: id,
          phase: "implement",
          why: `integration check backed off until ${until}Z`,
        });
        continue;
      }
      const action: Action = { taskId: id, phase: "implement", agent: null };
      this.integrate(action, defs);
      started.push(action);
    }
    await this.commitIdleDeferred(decision, running);
    this.scheduleWake();
    return { started, waiting: decision.waiting, problems, settling };
  }

  /** `config.md` as the base tip held it at the last reconcile (what the daemon uses), or null before one. */
  config(): Config | null {
    return this.lastConfig;
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
    await this.merges.settle();
    // Nothing will run their next phase now: commit the hand-overs that waited for it.
    await this.commitDeferred(deferredTasks(this.ctx.repo.commonDir));
    // With a remote they go there now, releasing their claims, so another machine can go on.
    await this.ctx.remote
      ?.publish()
      .catch((err: unknown) =>
        this.emit(
          null,
          null,
          "error",
          `could not push to the remote before stopping: ${(err as Error).message}`,
        ),
      );
  }

  /**
   * Commits the deferred hand-overs (land.ts `handsOver`) of tasks whose next phase is not running and
   * will not start as soon as a slot frees up (no agent, no approval, a budget, a back-off…): their
   * state should not wait uncommitted in the work tree. `running`: the jobs `decision` was made with.
   */
  private async commitIdleDeferred(decision: Decision, running: ReadonlySet<string>): Promise<void> {
    const pending = deferredTasks(this.ctx.repo.commonDir);
    if (pending.length === 0) return;
    // Decided about next time: a job that ended after this decision (its landing deferred just now), and
    // a start that could not claim this time (its lock still held a moment).
    const soon = new Set([...running, ...decision.start.map((a) => a.taskId)]);
    for (const id of decision.waiting
      .filter((w) => /^all \d+ slots are busy$/.test(w.why) || w.why.startsWith("touches overlap "))
      .map((w) => w.taskId))
      soon.add(id);
    const idle = pending.filter((id) => !this.jobs.has(id) && !soon.has(id));
    await this.commitDeferred(idle);
  }

  private async commitDeferred(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    try {
      const { repo } = this.ctx;
      await withStateLock(repo.commonDir, () => flushDeferred(repo, ids));
    } catch (err) {
      this.emit(
        null,
        null,
        "error",
        `could not commit the hand-overs of ${ids.join(", ")}: ${(err as Error).message}`,
      );
    }
  }

  /**
   * Waits for the review-branch check the last reconcile started (`ship / awaiting-merge`, see
   * {@link MergeWatch}). @returns true when it changed a task (a merge seen: reconcile again).
   */
  settleMerges(): Promise<boolean> {
    return this.merges.settle();
  }

  /**
   * How many ships one ship run may take: `ship.batch` — but 1 when the ship phase is not the stock
   * executor (tests, tools), a ship gate is an agent (a reviewer judges one task's change), or a
   * remote is set (a ship there pushes one task's change under that task's claim).
   */
  private shipBatch(defs: Definitions): number {
    if (this.executors.ship !== runShip || this.ctx.remote || defs.config.ship.mode === "branch") return 1;
    const agentGate = defs.config.gates.ship.some((name) => defs.gates.get(name)?.record.kind === "agent");
    return agentGate ? 1 : defs.config.ship.batch;
  }

  /** Claims and starts the leader of a ship batch and its riders; the batch runs once for all. */
  private async launchBatch(action: Action, defs: Definitions): Promise<boolean> {
    const batch = new ShipBatchRun();
    let leader: string | null = null;
    for (const taskId of [action.taskId, ...(action.batch ?? [])]) {
      if (!this.claiming) break;
      if (!(await this.launch({ taskId, phase: "ship", agent: null }, defs, batch.executor))) continue;
      if (leader === null) leader = taskId;
      else this.riders.add(taskId);
    }
    batch.seal();
    return leader !== null;
  }

  private async launch(action: Action, defs: Definitions, own?: PhaseExecutor): Promise<boolean> {
    if (action.batch?.length && !own) return this.launchBatch(action, defs);
    const executor = own ?? this.executors[action.phase];
    if (!executor) return false;
    let claimed: Awaited<ReturnType<typeof claimJob>>;
    try {
      const agent = action.agent ? (defs.agents.get(action.agent) ?? null) : null;
      claimed = await claimJob(this.ctx, action, agent, defs.commit);
    } catch (err) {
      this.emit(action.taskId, action.phase, "error", `could not claim: ${(err as Error).message}`);
      return false;
    }
    // Whatever happened, the task file may have changed under us: look at it again.
    const file = taskPath(this.ctx.paths, action.taskId);
    this.index.refresh([file]);
    if (!claimed) return false;
    const running = startJob(this.ctx, claimed, defs, executor, {
      landed: (job, landing, landed) => {
        if (landed.event === "failed") this.failed.add(job.task.id);
        const at =
          landing.end.kind === "try-later" ? readClaim(job.repo.commonDir, job.task.id)?.retry_at : null;
        if (at) this.retryAt.set(job.task.id, Date.parse(at));
      },
      ended: (job) => {
        this.index.refresh([file]);
        this.jobs.delete(job.task.id);
        this.riders.delete(job.task.id);
        for (const resolve of this.ended.splice(0)) resolve();
        this.opts.onWake?.();
      },
    });
    this.jobs.set(action.taskId, running);
    return true;
  }

  /** Runs the integration check of a waiting parent in the background, as a job of its own. */
  private integrate(action: Action, defs: Definitions): void {
    const controller = new AbortController();
    const started = this.ctx.now();
    const file = taskPath(this.ctx.paths, action.taskId);
    let landed = false;
    const done = integrateParent(this.ctx, action.taskId, defs, controller.signal)
      .then((event) => {
        landed = event !== null;
        if (event === "failed") this.failed.add(action.taskId);
      })
      .catch((err: unknown) =>
        this.emit(action.taskId, "implement", "error", `integration check: ${(err as Error).message}`),
      )
      .finally(() => {
        this.index.refresh([file]);
        this.jobs.delete(action.taskId);
        for (const resolve of this.ended.splice(0)) resolve();
        // Nothing landed (another holder has the task, no base branch, an error): back off a while
        // rather than start the same check again at once, in a loop.
        if (landed) this.retryAt.delete(action.taskId);
        else this.retryAt.set(action.taskId, this.ctx.now().getTime() + INTEGRATION_BACKOFF_MS);
        this.opts.onWake?.();
      });
    this.jobs.set(action.taskId, { action, started, controller, done });
  }

  /** Wakes the loop when the earliest back-off runs out. */
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

  /** With `remote:` set: one sync per reconcile (remote-link.ts); false when nothing should be claimed. */
  private async syncRemote(): Promise<boolean> {
    const synced = await this.remoteLink.sync(readConfig(this.ctx.paths));
    if (synced.moved) this.index.scan();
    return synced.ok;
  }

  /** Brings the person's work tree along to a base a ship moved while an `index.lock` was in the way. */
  private async followBase(): Promise<void> {
    try {
      const r = await finishPendingFollow(this.ctx.repo);
      if (r?.kind === "followed")
        this.emit(null, null, "followed", `${r.worktree}: ${r.paths} shipped path(s) brought along`);
      if (r?.kind === "left") this.emit(null, null, "problem", r.advice);
    } catch (err) {
      this.emit(null, null, "error", `could not bring the work tree along: ${(err as Error).message}`);
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
      this.emit(null, null, "problem", `${line}${hold}`);
    }
    this.reported = now;
  }

  private emit(task: string | null, phase: string | null, event: string, detail: string): void {
    this.ctx.emit({ at: this.ctx.now(), task, phase, agent: null, event, detail });
  }
}
