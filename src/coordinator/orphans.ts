/**
 * Killing agents a crashed daemon left behind. Agents run in their own process group (detached), so
 * they survive the daemon's death; on restart every group recorded in a claim file is killed whole.
 *
 * A recorded pgid may have been reused by an unrelated process since, so on Linux a group is only
 * killed when one of its members carries this clone's marks in its environment: `FLEET_TASK_ID=<id>`
 * and a `FLEET_OUTPUT_DIR` under this clone's runtime directory. The same scan also finds agents of
 * the task whose group was never recorded (the daemon died between spawn and writing the claim).
 * Elsewhere (no `/proc`) the recorded groups that still exist are killed.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { isErrnoError } from "../errors.js";

/** A process found by {@link findTaskProcesses}: its pid and process group. */
export interface TaskProcess {
  pid: number;
  pgid: number;
}

function readProc(pid: string, file: string): string | null {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return null;
  }
}

/** The process group of `pid` from `/proc/<pid>/stat` (field 5, after the parenthesised name). */
function pgidOf(pid: string): number | null {
  const stat = readProc(pid, "stat");
  if (!stat) return null;
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const pgid = Number(fields[2]);
  return Number.isInteger(pgid) ? pgid : null;
}

/** True when this platform lets us read other processes' environments (Linux `/proc`). */
export function canScanProcesses(): boolean {
  return readProc("self", "environ") !== null;
}

function cwdOf(pid: string): string | null {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return null;
  }
}

/**
 * Processes of task `taskId` started by this clone's fleet: their environment holds
 * `FLEET_TASK_ID=<taskId>` and `FLEET_OUTPUT_DIR=<runtimeDir>/…`, or they belong to one of the
 * recorded `pgids` and work under `runtimeDir` (an agent's child that cleared its environment).
 * Linux only; [] elsewhere.
 */
export function findTaskProcesses(
  runtimeDir: string | readonly string[],
  taskId: string,
  pgids: readonly number[] = [],
): TaskProcess[] {
  // Agents' output dirs and checkouts live in the work area outside .git: either root marks them.
  const roots = typeof runtimeDir === "string" ? [runtimeDir] : runtimeDir;
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((n) => /^\d+$/.test(n));
  } catch {
    return [];
  }
  const idMark = `FLEET_TASK_ID=${taskId}`;
  const dirMarks = roots.map((r) => `FLEET_OUTPUT_DIR=${r}/`);
  const recorded = new Set(pgids);
  const out: TaskProcess[] = [];
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    const vars = (readProc(pid, "environ") ?? "").split("\0");
    const marked = vars.includes(idMark) && vars.some((v) => dirMarks.some((m) => v.startsWith(m)));
    const pgid = pgidOf(pid);
    if (pgid === null) continue;
    const cwd = recorded.has(pgid) ? cwdOf(pid) : null;
    if (marked || (cwd !== null && roots.some((r) => cwd.startsWith(`${r}/`))))
      out.push({ pid: Number(pid), pgid });
  }
  return out;
}

function kill(target: number): boolean {
  try {
    process.kill(target, "SIGKILL");
    return true;
  } catch (err) {
    if (isErrnoError(err, "ESRCH") || isErrnoError(err, "EPERM")) return false;
    throw err;
  }
}

function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Kills every process left by task `taskId`'s previous runs: the recorded `pgids` (verified on Linux,
 * see the module comment) and any process found carrying the task's marks. SIGKILL: these are
 * orphans of a dead daemon, with nobody to wait for a graceful exit.
 * @returns the pids and process groups signalled (empty when nothing was left).
 */
export function killTaskProcesses(
  runtimeDir: string | readonly string[],
  taskId: string,
  pgids: readonly number[],
): number[] {
  const own = process.pid;
  const killed: number[] = [];
  if (canScanProcesses()) {
    const found = findTaskProcesses(runtimeDir, taskId, pgids);
    const groups = new Set(found.map((p) => p.pgid).filter((g) => g > 1 && g !== own));
    for (const g of groups) if (kill(-g)) killed.push(-g);
    for (const p of found) if (!groups.has(p.pgid) && kill(p.pid)) killed.push(p.pid);
  } else {
    for (const g of pgids) if (g > 1 && g !== own && groupExists(g) && kill(-g)) killed.push(-g);
  }
  return killed;
}
