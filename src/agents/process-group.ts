/**
 * Process groups: find, test and kill every process of one group. Agents and gates are started
 * `detached` (their pid is their process group id), so ending the group ends the agent and every
 * child it forked — execa's own timeout only reaches the direct child (dependencies.md).
 *
 * On Linux the group's members are read from `/proc/<pid>/stat`, which lets zombies count as dead (in a
 * container whose init never reaps, `kill(-pgid, 0)` would report a group of zombies as alive forever).
 * Elsewhere `kill(-pgid, 0)` is the test. Processes that left the group (`setsid`) are out of reach.
 */
import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/** Default time between SIGTERM and SIGKILL, ms. */
export const DEFAULT_KILL_GRACE_MS = 5_000;

const hasProc = (() => {
  try {
    readFileSync("/proc/self/stat", "utf8");
    return true;
  } catch {
    return false;
  }
})();

/** State and group of `/proc/<pid>/stat`, or undefined when the process is gone. */
function readStat(pid: string): { state: string; pgrp: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid pgrp …" — comm may hold spaces and parentheses, so split after the last ")".
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: fields[0] ?? "", pgrp: Number(fields[2]) };
}

/**
 * Pids of the live (non-zombie) processes in group `pgid`, or `null` where `/proc` is not available.
 * Linux only; costs one `/proc` scan (a few ms).
 */
export function listProcessGroup(pgid: number): number[] | null {
  if (!hasProc) return null;
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    const stat = readStat(name);
    if (stat && stat.pgrp === pgid && stat.state !== "Z" && stat.state !== "X") pids.push(Number(name));
  }
  return pids;
}

/** True while group `pgid` has a live process (one we may not signal counts as live). */
export function isProcessGroupAlive(pgid: number): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  const members = listProcessGroup(pgid);
  if (members) return members.length > 0;
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** True when process `pid` exists and is not a zombie. */
export function isProcessAlive(pid: number): boolean {
  if (hasProc) {
    const stat = readStat(String(pid));
    return stat !== undefined && stat.state !== "Z" && stat.state !== "X";
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Sends `signal` to every process of group `pgid`; false when the group is gone. */
export function signalProcessGroup(pgid: number, signal: NodeJS.Signals): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * The initial environment of `pid` as `NAME=value` entries (Linux, same user), or null when unreadable.
 * Used to check that a recorded pgid still belongs to a fleet agent before killing it.
 */
function readEnviron(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/environ`, "latin1").split("\0");
  } catch {
    return null;
  }
}

export interface KillGroupOptions {
  /** Time between SIGTERM and SIGKILL, ms (default 5 000). */
  graceMs?: number;
  /** After SIGKILL, how long to wait for the group to vanish, ms (default 2 000). */
  settleMs?: number;
  /** How often to look at the group while waiting, ms (default 50). */
  pollMs?: number;
  /**
   * Kill only when a live member's initial environment holds this exact `NAME=value` entry, e.g.
   * `FLEET_TASK_ID=fix-login-3k9d` — guards crash recovery against a pgid that was reused since it was
   * recorded. Checked on Linux only; elsewhere the group is killed as asked.
   */
  requireEnv?: string;
}

/** What {@link killProcessGroup} did. */
export type KillGroupResult = "gone" | "terminated" | "killed" | "survived" | "not-ours";

/**
 * Ends process group `pgid`: SIGTERM, then SIGKILL to whatever is left after `graceMs`.
 * Resolves once the group has no live process, or `settleMs` after SIGKILL.
 * @returns `gone` (nothing was running), `terminated` (ended on SIGTERM), `killed` (needed SIGKILL),
 *   `survived` (still alive after SIGKILL: uninterruptible sleep, or not ours to signal), or
 *   `not-ours` (`requireEnv` did not match; nothing was signalled).
 */
export async function killProcessGroup(pgid: number, opts: KillGroupOptions = {}): Promise<KillGroupResult> {
  const { graceMs = DEFAULT_KILL_GRACE_MS, settleMs = 2_000, pollMs = 50 } = opts;
  if (!isProcessGroupAlive(pgid)) return "gone";
  if (opts.requireEnv !== undefined) {
    const members = listProcessGroup(pgid);
    if (members) {
      const wanted = opts.requireEnv;
      const ours = members.some((pid) => readEnviron(pid)?.includes(wanted));
      if (!ours) return "not-ours";
    }
  }
  signalProcessGroup(pgid, "SIGTERM");
  if (await waitForGroupExit(pgid, graceMs, pollMs)) return "terminated";
  signalProcessGroup(pgid, "SIGKILL");
  return (await waitForGroupExit(pgid, settleMs, pollMs)) ? "killed" : "survived";
}

/** Polls until group `pgid` has no live process; true if that happened within `timeoutMs`. */
export async function waitForGroupExit(pgid: number, timeoutMs: number, pollMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!isProcessGroupAlive(pgid)) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await sleep(Math.min(pollMs, left));
  }
}
