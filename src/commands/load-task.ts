/**
 * Loading one task by the id a person typed. Kept apart from `person-context.ts` so read commands
 * (`fleet show`) do not load git and execa.
 */

import { existsSync, readdirSync } from "node:fs";
import { FleetError } from "../errors.js";
import { isValidId } from "../store/ids.js";
import { type FleetPaths, taskPath } from "../store/paths.js";
import { type LoadedTask, readTask } from "../store/read-tasks.js";
import { closest } from "../suggest.js";

/**
 * Checks an id typed on the command line before it reaches a path.
 * @throws FleetError("usage") when it is not a valid task id.
 */
export function checkIdArg(id: string): string {
  if (!isValidId(id)) {
    throw new FleetError("usage", `${JSON.stringify(id)} is not a task id`, {
      hint: "Task ids are lowercase letters, digits and dashes; `fleet ls` lists them.",
    });
  }
  return id;
}

/**
 * The task id a person meant by `typed`: itself when `.fleet/queue/<typed>.md` exists, else the one
 * id it is a prefix of (as git takes a short sha), so `fleet show rate-li` finds
 * `rate-limit-the-public-api-7k2q`. Reads the queue folder only when there is no exact match.
 * @throws FleetError("usage") for a malformed id or a prefix of several ids (naming them);
 *   FleetError("not-found") when no id starts with it, with the closest ids.
 */
export function resolveTaskId(paths: FleetPaths, typed: string): string {
  checkIdArg(typed);
  if (existsSync(taskPath(paths, typed))) return typed;
  let names: string[] = [];
  try {
    names = readdirSync(paths.queue)
      .filter((n) => n.endsWith(".md"))
      .map((n) => n.slice(0, -3));
  } catch {
    names = [];
  }
  const matches = names.filter((n) => n.startsWith(typed)).sort();
  if (matches.length === 1) return matches[0] as string;
  if (matches.length > 1) {
    const shown =
      matches.slice(0, 8).join(", ") + (matches.length > 8 ? `, … (${matches.length} in all)` : "");
    throw new FleetError("usage", `${typed} is the start of several task ids: ${shown}`, {
      hint: "Type more of the id, up to the point where only one matches.",
    });
  }
  const near = closest(typed, names).slice(0, 3);
  throw new FleetError("not-found", `no task ${typed}: .fleet/queue/${typed}.md does not exist`, {
    hint: near.length
      ? `Did you mean ${near.join(" or ")}? (\`fleet ls --all\` lists every task.)`
      : "`fleet ls --all` lists every task.",
  });
}

/**
 * Loads task `id` (or the one task whose id starts with it, see {@link resolveTaskId}).
 * @throws FleetError("usage") for a malformed id, FleetError("not-found") when there is no such task,
 *   FleetError("invalid") listing every problem when its file does not validate.
 */
export function loadTask(paths: FleetPaths, typed: string): LoadedTask {
  const id = resolveTaskId(paths, typed);
  const result = readTask(paths, id);
  if (result === null) {
    throw new FleetError("not-found", `no task ${id}: .fleet/queue/${id}.md does not exist`, {
      hint: "`fleet ls --all` lists every task.",
    });
  }
  if (!result.ok) {
    const lines = result.problems.map((p) => `  ${p.file}${p.field ? ` (${p.field})` : ""}: ${p.message}`);
    throw new FleetError("invalid", `task ${id} does not validate:\n${lines.join("\n")}`, {
      hint: "Fix the file (`fleet doctor` lists every problem), then run the command again.",
    });
  }
  return result.task;
}
