/**
 * Commits put off until the task's next one. A landing that only hands a task to the next automatic
 * phase (research done → plan ready; implement done → ship ready) is not history worth a commit of
 * its own: its files are written, and what it would have committed is kept here, in
 * `<git-common-dir>/fleet/deferred/<task>.json`, until the next commit of that task — by the daemon or
 * a person — carries the files too and names the deferred events in its trailers (`Fleet-Carried`).
 * Runtime state, never committed; a lost record loses no state (the files are in the work tree, and
 * recovery commits any run record git does not have).
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { isErrnoError } from "../errors.js";
import { writeFileAtomically } from "../store/atomic-write.js";
import { runtimePaths } from "../store/paths.js";
import type { CarriedEvent, FleetEvent } from "./trailers.js";

/** One set of paths as a commit request gave them (`mayDelete` as in `FleetCommit`; null: unset). */
export interface PathGroup {
  paths: string[];
  mayDelete: string[] | null;
}

/** What a task's deferred commits would have recorded, oldest first. */
export interface DeferredCommit {
  task: string;
  /** The task's title, for the subject line of the commit that flushes it. */
  title?: string;
  events: CarriedEvent[];
  groups: PathGroup[];
}

function dir(commonDir: string): string {
  return path.join(runtimePaths(commonDir).dir, "deferred");
}

function file(commonDir: string, task: string): string {
  return path.join(dir(commonDir), `${encodeURIComponent(task)}.json`);
}

/** The event as a carried one: what the trailer names (phase, verb, run, epoch, agent, cost). */
export function carriedOf(e: FleetEvent): CarriedEvent {
  const out: CarriedEvent = { phase: e.phase, event: e.event };
  if (e.run !== undefined) out.run = e.run;
  if (e.epoch !== undefined) out.epoch = e.epoch;
  if (e.agent !== undefined) out.agent = e.agent;
  if (e.costUsd !== undefined && e.costUsd !== null) out.costUsd = e.costUsd;
  return out;
}

/** The deferred commit of `task`, or null (none, or a torn record: its files are still in the work tree). */
export function readDeferred(commonDir: string, task: string): DeferredCommit | null {
  try {
    const parsed = JSON.parse(readFileSync(file(commonDir, task), "utf8")) as DeferredCommit;
    return parsed.task === task && Array.isArray(parsed.events) && Array.isArray(parsed.groups)
      ? parsed
      : null;
  } catch {
    return null;
  }
}

/** Adds `event` and its paths to `task`'s deferred commit (written atomically). */
export async function addDeferred(commonDir: string, event: FleetEvent, group: PathGroup): Promise<void> {
  const prev = readDeferred(commonDir, event.task) ?? { task: event.task, events: [], groups: [] };
  const next: DeferredCommit = {
    task: event.task,
    ...((event.title ?? prev.title) ? { title: event.title ?? prev.title } : {}),
    events: [...prev.events, carriedOf(event)],
    groups: [...prev.groups, group],
  };
  await writeFileAtomically(file(commonDir, event.task), JSON.stringify(next));
}

/** Forgets `task`'s deferred commit (once a commit carried it). */
export function clearDeferred(commonDir: string, task: string): void {
  rmSync(file(commonDir, task), { force: true });
}

/** Ids of the tasks with a deferred commit. */
export function deferredTasks(commonDir: string): string[] {
  try {
    return readdirSync(dir(commonDir))
      .filter((n) => n.endsWith(".json"))
      .map((n) => decodeURIComponent(n.slice(0, -".json".length)));
  } catch (err) {
    if (isErrnoError(err, "ENOENT")) return [];
    throw err;
  }
}
