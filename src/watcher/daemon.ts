/**
 * The daemon: hold the clone's lease, recover from any crash, then reconcile — on file events, on the
 * rescan timer and whenever a job ends — until asked to stop (`fleet watch`) or until nothing is left
 * to run (`fleet run --until-idle`). Stopping stops claiming, aborts running agents (their runs are
 * recorded as interrupted and their tasks go back to ready), releases claims and the lease.
 */
import { existsSync } from "node:fs";
import type { Runner } from "../agents/types.js";
import { Coordinator } from "../coordinator/coordinator.js";
import type { Executors, FleetLogEvent } from "../coordinator/job.js";
import { recover } from "../coordinator/recover.js";
import { FleetError } from "../errors.js";
import { indexLockPath } from "../git/index-lock.js";
import { findRepo } from "../git/repo.js";
import { describeDrift, workTreeDrift } from "../git/work-tree-drift.js";
import { nextCommandHint, yourTurn } from "../lifecycle/your-turn.js";
import { fleetPaths } from "../store/paths.js";
import { readConfig } from "../store/read-records.js";
import { readTask } from "../store/read-tasks.js";
import type { RunnerName } from "../store/schemas/agent.js";
import { indexLockNotice } from "./index-lock-notice.js";
import { acquireLease } from "./lease.js";
import { ReconcileLoop } from "./loop.js";
import { watchFleet } from "./watch-fleet.js";

/** How to run the daemon. */
export interface DaemonOptions {
  cwd: string;
  /** `watch`: until `signal`; `until-idle`: until nothing runs or can start; `once`: start what can start now, wait for it. */
  mode: "watch" | "until-idle" | "once";
  /** Watch files for changes (default true); false relies on the rescan timer alone. */
  events?: boolean;
  /** Aborted to stop (SIGINT, SIGTERM). */
  signal: AbortSignal;
  getRunner(name: RunnerName): Runner;
  executors?: Executors;
  env?: NodeJS.ProcessEnv;
  onEvent(event: FleetLogEvent): void;
  /** What the lease records as the command ("fleet watch"). */
  command: string;
  /** Called each time the fleet drains: agents ran and now none runs (after a drain, in every mode). */
  onIdle?(): void;
}

/** How the daemon ended. */
export interface DaemonResult {
  /** Tasks that ended `failed` (out of attempts) while it ran. */
  failed: string[];
  /** Set when the lease was lost while held (another daemon took over). */
  leaseLost: string | null;
}

function note(onEvent: DaemonOptions["onEvent"], event: string, detail: string): void {
  onEvent({ at: new Date(), task: null, phase: null, agent: null, event, detail });
}

/**
 * Runs the daemon for the repository containing `opts.cwd`.
 * @throws FleetError("not-initialized") without `.fleet/`; FleetError("locked") when another daemon holds the clone.
 */
export async function runDaemon(opts: DaemonOptions): Promise<DaemonResult> {
  const repo = await findRepo(opts.cwd);
  const paths = fleetPaths(repo.root);
  if (!existsSync(paths.fleet))
    throw new FleetError("not-initialized", `no .fleet/ in ${repo.root}`, {
      hint: "Run `fleet init` first.",
    });
  const lease = await acquireLease(repo.commonDir, opts.command);
  const onEvent = withNextCommand(paths, opts.onEvent);
  opts = { ...opts, onEvent };
  const stop = new AbortController();
  const onStop = () => stop.abort();
  opts.signal.addEventListener("abort", onStop, { once: true });
  lease.compromised.addEventListener("abort", onStop, { once: true });
  if (opts.signal.aborted) stop.abort();
  // A holder, not a variable: onWake reads it while the loop runs.
  const held: { loop: ReconcileLoop | null } = { loop: null };
  const coordinator = new Coordinator({
    repo,
    getRunner: opts.getRunner,
    executors: opts.executors,
    env: opts.env,
    onEvent: opts.onEvent,
    onWake: () => held.loop?.wake(),
  });
  try {
    // One read of the queue serves recovery and the first reconcile (which then only stats files).
    coordinator.index.scan();
    const ctx = {
      repo,
      paths,
      env: opts.env ?? process.env,
      getRunner: opts.getRunner,
      emit: opts.onEvent,
      now: () => new Date(),
    };
    const r = await recover(ctx, coordinator.index.tasks().values());
    if (r.released.length || r.interrupted.length || r.committed.length || r.followed)
      note(
        opts.onEvent,
        "recovered",
        `claims released: ${r.released.join(", ") || "none"}; runs interrupted: ${r.interrupted.join(", ") || "none"}; processes killed: ${r.killed.length}${r.followed ? `; brought ${r.followed} along to the shipped commit` : ""}`,
      );
    for (const warning of r.warnings) note(opts.onEvent, "warning", warning);
    for (const drift of describeDrift(workTreeDrift(repo.root, readConfig(paths).base)))
      note(opts.onEvent, "warning", drift);
    const checkIndexLock = indexLockNotice(await indexLockPath(repo), (advice) =>
      note(opts.onEvent, "warning", advice),
    );
    checkIndexLock();
    // The loop is handed over as soon as it exists: a run's end and a back-off running out wake it
    // (it used to be known only once watching stopped, so they waited for the rescan tick).
    if (opts.mode === "watch")
      await watchUntilStopped(coordinator, paths, opts, stop.signal, checkIndexLock, (l) => {
        held.loop = l;
      });
    else {
      await drain(coordinator, opts.mode, stop.signal, checkIndexLock);
      opts.onIdle?.();
    }
  } finally {
    await held.loop?.stop();
    await coordinator.stop();
    opts.signal.removeEventListener("abort", onStop);
    await lease.release();
  }
  const leaseLost = lease.compromised.aborted
    ? String((lease.compromised.reason as Error)?.message ?? "lease lost")
    : null;
  return { failed: [...coordinator.failed].sort(), leaseLost };
}

/** A landing that leaves a task waiting for a person: `→ plan / awaiting-approval`, `→ implement / failed`… */
const TO_PERSON = /^→ \S+ \/ (awaiting-approval|awaiting-merge|blocked|failed)\b/;

/**
 * `onEvent` with {@link FleetLogEvent.next} set on every event that leaves a task waiting for a person:
 * the task file (just written by the landing) says which command moves it on.
 */
function withNextCommand(
  paths: ReturnType<typeof fleetPaths>,
  onEvent: DaemonOptions["onEvent"],
): DaemonOptions["onEvent"] {
  return (e) => {
    if (!e.task || !e.detail || !TO_PERSON.test(e.detail)) return onEvent(e);
    let next: string | null = null;
    try {
      const r = readTask(paths, e.task);
      next = r?.ok ? nextCommandHint(r.task.record) : null;
    } catch {
      next = null; // the hint is a courtesy: an unreadable file must not stop the event
    }
    onEvent(next ? { ...e, next } : e);
  };
}

async function watchUntilStopped(
  coordinator: Coordinator,
  paths: ReturnType<typeof fleetPaths>,
  opts: DaemonOptions,
  stop: AbortSignal,
  afterReconcile: () => void,
  onLoop: (loop: ReconcileLoop) => void,
): Promise<void> {
  const dir = paths.fleet;
  const config = readConfig(paths);
  let first = true;
  let busy = false;
  const loop = new ReconcileLoop(
    async (w) => {
      const r = await coordinator.reconcile({ full: w.full, files: w.files });
      afterReconcile();
      if (coordinator.running().size > 0) busy = true;
      else if (busy) {
        busy = false;
        opts.onIdle?.();
      }
      if (!first) return;
      first = false;
      const n = coordinator.index.tasks().size;
      const yours = coordinator.index.records().filter((t) => yourTurn(t) !== null).length;
      note(
        opts.onEvent,
        "scanned",
        `${n} task${n === 1 ? "" : "s"}: ${r.started.length} started, ${r.waiting.length} waiting, ${yours} awaiting you${yours ? " (`fleet run` lists them; `fleet ls` shows them)" : ""}`,
      );
    },
    {
      rescanMs: () => (coordinator.config() ?? config).rescan,
      onError: (err) =>
        note(opts.onEvent, "error", `reconcile failed: ${(err as Error).message ?? String(err)}`),
    },
  );
  onLoop(loop);
  const watcher =
    opts.events === false
      ? null
      : watchFleet(
          dir,
          (files) => loop.notify(files),
          (err) => {
            note(opts.onEvent, "error", `watcher: ${err.message}; doing a full rescan`);
            loop.full();
          },
        );
  try {
    // Reconcile at once, then once more when the watches are in place: anything that changed
    // before they were is caught by that second full reconcile.
    loop.full();
    await watcher?.ready;
    if (watcher) loop.full();
    const used = coordinator.config() ?? config;
    note(
      opts.onEvent,
      "watching",
      `${paths.root} — pid ${process.pid}, concurrency ${used.concurrency}, rescan ${used.rescan / 1000}s${watcher ? "" : ", no file events"}`,
    );
    if (!stop.aborted)
      await new Promise<void>((resolve) => stop.addEventListener("abort", () => resolve(), { once: true }));
    note(opts.onEvent, "stopping", `${coordinator.running().size} running agent(s) will be stopped`);
  } finally {
    await watcher?.close();
  }
}

async function drain(
  coordinator: Coordinator,
  mode: "until-idle" | "once",
  stop: AbortSignal,
  afterReconcile: () => void,
): Promise<void> {
  const stopped = new Promise<void>((resolve) =>
    stop.addEventListener("abort", () => resolve(), { once: true }),
  );
  let first = true;
  while (!stop.aborted) {
    if (first || mode === "until-idle") {
      const r = await coordinator.reconcile({ full: true });
      afterReconcile();
      // A review branch seen merged makes its task done, which may let others start: look again.
      if ((await coordinator.settleMerges()) && mode === "until-idle") continue;
      if (r.settling > 0 && mode === "until-idle") {
        await Promise.race([new Promise((res) => setTimeout(res, 300)), stopped]);
        continue;
      }
      first = false;
    }
    if (coordinator.running().size === 0) return;
    await Promise.race([coordinator.whenJobEnds(), stopped]);
  }
}
