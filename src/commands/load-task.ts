/**
 * Loading one task by the id a person typed. Kept apart from `person-context.ts` so read commands
 * (`fleet show`) do not load git and execa.
 */
import { FleetError } from "../errors.js";
import { isValidId } from "../store/ids.js";
import type { FleetPaths } from "../store/paths.js";
import { type LoadedTask, readTask } from "../store/read-tasks.js";

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
 * Loads task `id`.
 * @throws FleetError("usage") for a malformed id, FleetError("not-found") when there is no such task,
 *   FleetError("invalid") listing every problem when its file does not validate.
 */
export function loadTask(paths: FleetPaths, id: string): LoadedTask {
  const result = readTask(paths, checkIdArg(id));
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
