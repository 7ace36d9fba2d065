/** `fleet log [<id>]`: what happened, read back from the trailers of fleet commits. */
import { existsSync } from "node:fs";
import { FleetError } from "../errors.js";
import { type LogEntry, readLog } from "../git/read-log.js";
import { findRepo } from "../git/repo.js";
import { fleetPaths, taskPath } from "../store/paths.js";
import { checkIdArg, resolveTaskId } from "./load-task.js";

/** Options of {@link log}. */
export interface LogOptions {
  cwd: string;
  /** Only this task's story. */
  id?: string;
  /** Only the newest `limit` events. */
  limit?: number;
}

/**
 * Fleet commits reachable from HEAD, oldest first (see `readLog`).
 * @throws FleetError usage (malformed id), not-found (not a repository; an id with neither commits nor a task file).
 */
export async function log(opts: LogOptions): Promise<LogEntry[]> {
  if (opts.id !== undefined) checkIdArg(opts.id);
  const repo = await findRepo(opts.cwd);
  let id = opts.id;
  // An id with a task file (or one prefix of one) is resolved; the story of a task whose file is gone
  // is still in git under its full id.
  if (id !== undefined && !existsSync(taskPath(fleetPaths(repo.root), id))) {
    try {
      id = resolveTaskId(fleetPaths(repo.root), id);
    } catch (err) {
      if (!(err instanceof FleetError) || err.code !== "not-found") throw err;
    }
  }
  const entries = await readLog(repo.root, {
    ...(id !== undefined ? { task: id } : {}),
    ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
  });
  if (id !== undefined && entries.length === 0 && !existsSync(taskPath(fleetPaths(repo.root), id))) {
    throw new FleetError(
      "not-found",
      `no task ${id}: no commit names it and .fleet/queue/${id}.md does not exist`,
      {
        hint: "`fleet ls --all` lists every task.",
      },
    );
  }
  return entries;
}
