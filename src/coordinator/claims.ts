/**
 * Claims (design.md §3): a per-task lock under the git directory (proper-lockfile, refreshed while
 * held, stale after a crash) plus a per-task **epoch** in `fleet/claims/<id>.json` that grows with
 * every claim. The lock only saves work — reclaiming a stale lock can let two holders both win, and
 * staleness compares clocks — so correctness comes from the epoch: a result lands only while its
 * epoch is still the one in the claim file, checked under the state lock.
 *
 * The claim file is never deleted: a released claim keeps its epoch (`active: false`) so the next
 * claim's epoch is larger, and keeps the back-off time (`retry_at`) of a try-later.
 */
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import lockfile from "proper-lockfile";
import { isErrnoError } from "../errors.js";
import { isPidAlive } from "../git/file-lock.js";
import { writeFileAtomically } from "../store/atomic-write.js";
import { isValidId } from "../store/ids.js";
import { claimsDir, taskRuntime } from "./runtime-dirs.js";

/** The content of `fleet/claims/<id>.json`. Times are ISO-8601 strings. */
export interface ClaimRecord {
  task: string;
  /** Grows by one with every claim of this task, never reused. */
  epoch: number;
  /** True while a run holds the claim. */
  active: boolean;
  phase: string | null;
  agent: string | null;
  /** Sequence number of the run record (`runs/<id>/<seq>-<phase>.md`). */
  seq: number | null;
  /** The daemon holding the claim. */
  pid: number;
  host: string;
  /** Process groups of the agents and commands this claim started (killed on recovery). */
  pgids: number[];
  started: string | null;
  /** Back-off after a try-later: not claimed again before this time. */
  retry_at: string | null;
}

/** A claim in force, for `fleet ls`: what runs, since when, and whether its daemon is still alive. */
export interface ActiveClaim {
  task: string;
  phase: string | null;
  agent: string | null;
  epoch: number;
  seq: number | null;
  pid: number;
  host: string;
  /** ISO-8601 start time. */
  started: string | null;
  /** False when the holder is a process on this host that no longer exists (a crashed daemon). */
  alive: boolean;
}

/** A held task lock: release it once; `compromised` is aborted if the lock is lost while held. */
export interface TaskLock {
  release(): Promise<void>;
  compromised: AbortSignal;
}

/** Refresh the lock every `STALE_MS / 2`; a lock untouched for `STALE_MS` is stale. */
export const STALE_MS = 20_000;

/** Re-exported for `fleet ls` and recovery: is a claim's holder alive (and not a zombie)? */
export { isPidAlive };

/** Reads task `id`'s claim file; null when it never was claimed or the file is unreadable. */
export function readClaim(commonDir: string, id: string): ClaimRecord | null {
  try {
    const data = JSON.parse(readFileSync(taskRuntime(commonDir, id).claimFile, "utf8")) as ClaimRecord;
    return typeof data.epoch === "number"
      ? { ...data, pgids: data.pgids ?? [], retry_at: data.retry_at ?? null }
      : null;
  } catch (err) {
    if (isErrnoError(err, "ENOENT") || err instanceof SyntaxError) return null;
    throw err;
  }
}

/** Writes task `record.task`'s claim file atomically. */
export async function writeClaim(commonDir: string, record: ClaimRecord): Promise<void> {
  await writeFileAtomically(
    taskRuntime(commonDir, record.task).claimFile,
    `${JSON.stringify(record, null, 2)}\n`,
  );
}

/** Every claim file, by task id. */
export function readClaims(commonDir: string): Map<string, ClaimRecord> {
  const out = new Map<string, ClaimRecord>();
  let names: string[];
  try {
    names = readdirSync(claimsDir(commonDir));
  } catch (err) {
    if (isErrnoError(err, "ENOENT")) return out;
    throw err;
  }
  for (const name of names) {
    const id = name.endsWith(".json") ? name.slice(0, -5) : "";
    if (!isValidId(id)) continue;
    const claim = readClaim(commonDir, id);
    if (claim) out.set(id, claim);
  }
  return out;
}

/**
 * What runs now in this clone, for `fleet ls`: every active claim with its phase, agent and start
 * time, sorted by start. `alive` is false for a claim whose daemon died (recovery will release it).
 */
export function readActiveClaims(commonDir: string): ActiveClaim[] {
  const host = hostname();
  return [...readClaims(commonDir).values()]
    .filter((c) => c.active)
    .map((c) => ({
      task: c.task,
      phase: c.phase,
      agent: c.agent,
      epoch: c.epoch,
      seq: c.seq,
      pid: c.pid,
      host: c.host,
      started: c.started,
      alive: c.host !== host || isPidAlive(c.pid),
    }))
    .sort((a, b) => (a.started ?? "").localeCompare(b.started ?? "") || a.task.localeCompare(b.task));
}

/** Back-off times (ms since the epoch) of tasks whose claim file holds a `retry_at`. */
export function readRetryTimes(commonDir: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [id, c] of readClaims(commonDir)) {
    const at = c.retry_at ? Date.parse(c.retry_at) : Number.NaN;
    if (Number.isFinite(at)) out.set(id, at);
  }
  return out;
}

/**
 * Takes task `id`'s lock without waiting. `compromised` is aborted (never thrown) if the lock is lost
 * while held — its directory removed or not refreshed in time; the run must then stop.
 * @returns the lock, or null when another holder has it.
 */
export async function lockTask(commonDir: string, id: string): Promise<TaskLock | null> {
  const { lockDir, claimFile } = taskRuntime(commonDir, id);
  mkdirSync(path.dirname(lockDir), { recursive: true });
  const controller = new AbortController();
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(claimFile, {
      lockfilePath: lockDir,
      realpath: false,
      stale: STALE_MS,
      update: STALE_MS / 2,
      retries: 0,
      onCompromised: (err) => controller.abort(err),
    });
  } catch (err) {
    if (isErrnoError(err, "ELOCKED")) return null;
    throw err;
  }
  let released = false;
  return {
    compromised: controller.signal,
    release: async () => {
      if (released) return;
      released = true;
      await release().catch((err: unknown) => {
        if (!isErrnoError(err, "ERELEASED") && !isErrnoError(err, "ENOTACQUIRED")) throw err;
      });
    },
  };
}

/** A fresh active claim record for this process. */
export function newClaim(
  id: string,
  epoch: number,
  fields: Pick<ClaimRecord, "phase" | "agent" | "seq" | "started">,
): ClaimRecord {
  return {
    task: id,
    epoch,
    active: true,
    pid: process.pid,
    host: hostname(),
    pgids: [],
    retry_at: null,
    ...fields,
  };
}

/**
 * True when `epoch` is still task `id`'s current, active claim. Call it under the state lock right
 * before writing a result: the answer cannot change while the lock is held.
 */
export function isEpochCurrent(commonDir: string, id: string, epoch: number): boolean {
  const claim = readClaim(commonDir, id);
  return claim?.active === true && claim.epoch === epoch && claim.pid === process.pid;
}
