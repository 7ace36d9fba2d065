/**
 * One daemon per clone: the lease is a proper-lockfile lock (`fleet/daemon.lock` under the git common
 * directory, refreshed while held) plus `fleet/daemon.json` naming the holder (pid, host, start,
 * command). A second `fleet watch` or `fleet run` says who holds it and exits 5.
 *
 * After `kill -9` the lock stays until it goes stale; a holder on this host whose pid is gone is taken
 * over at once instead. The check-and-take-over runs under a second lock so two daemons starting
 * together cannot both take it. If the lease is lost while held (the process was paused for longer
 * than the stale time and another daemon took over), `compromised` is aborted: stop everything.
 */
import { readFileSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import lockfile from "proper-lockfile";
import { isPidAlive } from "../coordinator/claims.js";
import { FleetError, isErrnoError } from "../errors.js";
import { withFileLock } from "../git/file-lock.js";
import { writeFileAtomically } from "../store/atomic-write.js";
import { runtimePaths } from "../store/paths.js";

/** Who holds a clone's lease. `started` is ISO-8601. */
export interface LeaseHolder {
  pid: number;
  host: string;
  started: string;
  command: string;
}

/** A held lease. */
export interface Lease {
  holder: LeaseHolder;
  /** Aborted if the lease is lost while held. */
  compromised: AbortSignal;
  release(): Promise<void>;
}

const STALE_MS = 20_000;

function lockDir(commonDir: string): string {
  return path.join(runtimePaths(commonDir).dir, "daemon.lock");
}

/** The lease holder recorded in `fleet/daemon.json`, or null; `alive` is false for a dead pid on this host. */
export function readLease(commonDir: string): (LeaseHolder & { alive: boolean }) | null {
  try {
    const h = JSON.parse(readFileSync(runtimePaths(commonDir).daemon, "utf8")) as LeaseHolder;
    if (typeof h.pid !== "number") return null;
    return { ...h, alive: h.host !== hostname() || isPidAlive(h.pid) };
  } catch {
    return null;
  }
}

async function tryLock(
  commonDir: string,
  onCompromised: (err: Error) => void,
): Promise<(() => Promise<void>) | null> {
  try {
    return await lockfile.lock(runtimePaths(commonDir).daemon, {
      lockfilePath: lockDir(commonDir),
      realpath: false,
      stale: STALE_MS,
      update: STALE_MS / 4,
      retries: 0,
      onCompromised,
    });
  } catch (err) {
    if (isErrnoError(err, "ELOCKED")) return null;
    throw err;
  }
}

/**
 * Takes the clone's lease for `command` ("fleet watch").
 * @throws FleetError("locked") naming the live holder's pid, host and start time.
 */
export async function acquireLease(commonDir: string, command: string): Promise<Lease> {
  const controller = new AbortController();
  const onCompromised = (err: Error) => controller.abort(err);
  const holder: LeaseHolder = {
    pid: process.pid,
    host: hostname(),
    started: new Date().toISOString(),
    command,
  };
  const release = await withFileLock(
    path.join(runtimePaths(commonDir).locks, "lease-takeover"),
    async () => {
      let got = await tryLock(commonDir, onCompromised);
      if (!got) {
        // Under this lock a holder always writes daemon.json right after locking, so a lock without a
        // live holder recorded is left by a dead process (kill -9 on this host, or before it wrote).
        if (readLease(commonDir)?.alive) return null;
        rmSync(lockDir(commonDir), { recursive: true, force: true });
        got = await tryLock(commonDir, onCompromised);
      }
      if (got)
        await writeFileAtomically(runtimePaths(commonDir).daemon, `${JSON.stringify(holder, null, 2)}\n`);
      return got;
    },
    // Held for milliseconds: stale after 5 s, so even a holder killed before it could record itself
    // (see file-lock.ts) delays the next start by 5 s at most.
    { waitMs: 30_000, staleMs: 5_000, what: "another fleet daemon starting" },
  );
  if (!release) {
    const h = readLease(commonDir);
    const who = h ? `pid ${h.pid} on ${h.host} (${h.command}, since ${h.started})` : "another process";
    throw new FleetError("locked", `another fleet daemon already runs for this clone: ${who}`, {
      hint: h
        ? `Stop it first (kill ${h.pid} on ${h.host}), or let it do the work.`
        : "Try again in a moment.",
    });
  }
  let released = false;
  return {
    holder,
    compromised: controller.signal,
    release: async () => {
      if (released) return;
      released = true;
      const current = readLease(commonDir);
      if (current?.pid === process.pid && current.host === holder.host)
        rmSync(runtimePaths(commonDir).daemon, { force: true });
      await release().catch(() => {});
    },
  };
}
