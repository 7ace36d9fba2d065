/** `fleet cost`: what the agents cost, read from every run record under `.fleet/runs/`. */
import { readdirSync } from "node:fs";
import { isErrnoError } from "../errors.js";
import { type CostReport, costReport } from "../lifecycle/cost.js";
import { isValidId } from "../store/ids.js";
import type { FleetPaths } from "../store/paths.js";
import { readRuns } from "../store/read-records.js";
import { readTasks } from "../store/read-tasks.js";
import type { Run } from "../store/schemas/run.js";
import { locateFleet } from "./locate.js";

/** Options of {@link cost}. */
export interface CostOptions {
  cwd: string;
  /** IANA time zone for grouping runs into nights; default: this machine's. */
  timeZone?: string;
}

/** The task ids with a run folder (`.fleet/runs/<id>/`), sorted; tasks whose file is gone included. */
function runTaskIds(paths: FleetPaths): string[] {
  try {
    return readdirSync(paths.runs, { withFileTypes: true })
      .filter((d) => d.isDirectory() && isValidId(d.name))
      .map((d) => d.name)
      .sort();
  } catch (err) {
    if (isErrnoError(err, "ENOENT")) return [];
    throw err;
  }
}

/**
 * The cost report of the repository containing `opts.cwd`: every run record (failed attempts included)
 * by task, phase, agent and model, and night. Runs that do not validate are left out (`fleet doctor`
 * names them).
 * @throws FleetError not-found / not-initialized outside a repository or without `.fleet/`.
 */
export async function cost(opts: CostOptions): Promise<CostReport> {
  const { paths } = locateFleet(opts.cwd);
  const runs: Run[] = [];
  for (const id of runTaskIds(paths)) for (const r of readRuns(paths, id)) runs.push(r.record);
  const tasks = [...readTasks(paths).tasks.values()].map((t) => t.record);
  return costReport(runs, tasks, opts.timeZone);
}
