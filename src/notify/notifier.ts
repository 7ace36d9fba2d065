/**
 * The notify module's one public entry point: the daemon's events in, notifications out.
 *
 * Every daemon event that names a task makes the notifier re-read that task file (the file is the truth,
 * the event only a hint) and compare its state with the last one seen; a task that has just come to a
 * state a person must hear about (`src/lifecycle/person-events.ts`) is sent to every `notify:` target
 * of config.md that wants that kind; a `budget` event is sent as `budget`. Sending never blocks the
 * daemon: each delivery runs in the background with a timeout, at most {@link MAX_PENDING} at once
 * (more are dropped and said so), one attempt each; failures go to `onError`.
 * May read `.fleet/queue/`, start notify commands, and POST to the configured URLs; writes nothing.
 */
import path from "node:path";
import { locateFleet } from "../commands/locate.js";
import type { FleetLogEvent } from "../coordinator/job.js";
import { type PersonEvent, personEvent, stateKey } from "../lifecycle/person-events.js";
import { readConfig } from "../store/read-records.js";
import { readTask } from "../store/read-tasks.js";
import type { NotifyTarget } from "../store/schemas/notify.js";
import type { Task } from "../store/schemas/task.js";
import { readTaskIndex } from "../store/task-cache.js";
import { type NotifyPayload, sendNotification } from "./send.js";

/** Deliveries in flight beyond this are dropped (a hung webhook must not pile up work). */
export const MAX_PENDING = 16;

/** Options of {@link startNotifier}. `timeoutMs`: per delivery (default 10 000). */
export interface NotifierOptions {
  /** Anywhere in the repository; `notify:` is read from its config.md once, at start. */
  cwd: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** A delivery that failed, or was dropped: one line for the daemon's log. */
  onError(message: string): void;
  /** A delivery that succeeded (for logs and tests). */
  onSent?(payload: NotifyPayload): void;
}

/** A running notifier. */
export interface Notifier {
  /** Feed it every daemon event. Returns at once. */
  observe(event: FleetLogEvent): void;
  /** Waits for deliveries in flight, at most `graceMs` (default 5 000), then ends the rest (killing their commands). */
  close(graceMs?: number): Promise<void>;
}

/**
 * Starts a notifier, or returns null when config.md sets no `notify:` target.
 * @throws FleetError not-found / not-initialized (no repository or `.fleet/`).
 */
export async function startNotifier(opts: NotifierOptions): Promise<Notifier | null> {
  const where = locateFleet(opts.cwd);
  const paths = where.paths;
  const targets = readConfig(paths).notify;
  if (targets.length === 0) return null;
  const env = opts.env ?? process.env;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const repo = path.basename(paths.root);
  const seen = new Map<string, string>();
  const pending = new Set<Promise<void>>();
  const stopping = new AbortController();

  const deliver = (kind: string, payload: NotifyPayload) => {
    for (const target of targets) {
      if (target.events && !(target.events as readonly string[]).includes(kind)) continue;
      if (pending.size >= MAX_PENDING) {
        opts.onError(`notify: ${MAX_PENDING} notifications still in flight; dropped "${payload.message}"`);
        continue;
      }
      const p = sendNotification(target, payload, env, timeoutMs, stopping.signal).then(
        () => opts.onSent?.(payload),
        (err: unknown) => opts.onError(`notify (${describe(target)}) failed: ${(err as Error).message}`),
      );
      pending.add(p);
      void p.finally(() => pending.delete(p));
    }
  };

  const payloadFor = (task: Task | null, e: PersonEvent, at: Date): NotifyPayload => ({
    event: e.kind,
    at: at.toISOString(),
    repo,
    task: task && { id: task.id, title: task.title, phase: task.phase, status: task.status },
    message: e.message,
    next: e.next,
    text: `${repo}: ${e.message}${e.next ? ` — ${e.next}` : ""}`,
  });

  const check = (id: string, at: Date) => {
    const r = readTask(paths, id);
    if (!r?.ok) return;
    const task = r.task.record;
    const key = stateKey(task);
    if (seen.get(id) === key) return;
    seen.set(id, key);
    const e = personEvent(task);
    if (e) deliver(e.kind, payloadFor(task, e, at));
  };

  // What already waited when the daemon started was notified by an earlier run (or seen by the person).
  // (The stat-keyed task cache makes this cheap on thousands of tasks.)
  for (const [id, t] of (await readTaskIndex(paths, where.taskCache)).tasks) seen.set(id, stateKey(t.record));

  return {
    observe(event) {
      try {
        if (event.event === "budget") {
          deliver(
            "budget",
            payloadFor(
              null,
              { kind: "budget", message: `budget spent: ${event.detail ?? ""}`, next: null },
              event.at,
            ),
          );
        }
        if (event.task) check(event.task, event.at);
      } catch (err) {
        opts.onError(`notify: ${(err as Error).message}`);
      }
    },
    async close(graceMs = 5_000) {
      if (pending.size === 0) return stopping.abort();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...pending]),
        new Promise((resolve) => {
          timer = setTimeout(resolve, graceMs);
        }),
      ]);
      clearTimeout(timer);
      stopping.abort();
      await Promise.allSettled([...pending]);
    },
  };
}

function describe(t: NotifyTarget): string {
  return t.command ? `command ${t.command[0]}` : t.url ? `url ${new URL(t.url).host}` : "desktop";
}
