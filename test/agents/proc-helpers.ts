/** Helpers for tests that start real processes: liveness checks that do not trust the code under test. */
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/** True when `pid` runs and is not a zombie (an orphan's zombie may linger where init does not reap). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Polls until `pid` is gone; true if that happened within `ms`. */
export async function waitGone(pid: number, ms = 5_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isRunning(pid)) return true;
    await sleep(25);
  }
  return !isRunning(pid);
}

/** Pids printed by a test program, one per line as `pid=<n>`. */
export function printedPids(text: string): number[] {
  return [...text.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
}

/** Kills leftovers a failing test may leave, so one failure does not leak `sleep 1000`s. */
export function killQuietly(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}
