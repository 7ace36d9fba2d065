/**
 * `fleet edit`: a person changes a task's title, priority, `depends_on`, `touches` or body. The same
 * rules as `fleet idea` (a title, priority 0–3, ids that exist, globs that are not empty), plus what
 * only an edit can break: a task may not depend on itself or close a dependency cycle, and a finished
 * task is history, not a draft. Pure: the caller passes in what it knows of the other tasks.
 */
import { FleetError } from "../errors.js";
import type { Task } from "../store/schemas/task.js";
import { isTerminal } from "./person-actions.js";

/** What to change; absent fields stay as they are. `body` replaces the body whole. */
export interface TaskEdit {
  title?: string;
  priority?: number;
  depends_on?: readonly string[];
  touches?: readonly string[];
  body?: string;
}

/** The edited task and body, and the names of the fields that changed (in this order: title, priority, depends_on, touches, body). */
export interface Edited {
  task: Task;
  body: string;
  changed: string[];
}

/**
 * Applies `edit` to `task` (with body `body`) at time `now` (ISO). `dependsOn(id)` gives another
 * task's `depends_on`, or null when there is no such task.
 * @throws FleetError("usage") for an empty title or glob, a bad priority, a self-dependency, a cycle or
 *   an empty edit; FleetError("not-found") for a dependency that is not a task;
 *   FleetError("conflict") for a done or dropped task.
 */
export function editTask(
  task: Task,
  body: string,
  edit: TaskEdit,
  dependsOn: (id: string) => readonly string[] | null,
  now: string,
): Edited {
  if (isTerminal(task))
    throw new FleetError("conflict", `${task.id} is ${task.phase}: a finished task is not edited`, {
      hint: "Write a new idea instead (`fleet idea`).",
    });
  const next: Task = { ...task };
  const changed: string[] = [];
  if (edit.title !== undefined) {
    const title = edit.title.replace(/\s+/g, " ").trim();
    if (title === "") throw new FleetError("usage", "--title cannot be empty");
    if (title !== task.title) {
      next.title = title;
      changed.push("title");
    }
  }
  if (edit.priority !== undefined) {
    if (!Number.isInteger(edit.priority) || edit.priority < 0 || edit.priority > 3)
      throw new FleetError("usage", `priority ${edit.priority} is not one of 0, 1, 2, 3`, {
        hint: "0 is the highest priority, 3 the lowest.",
      });
    if (edit.priority !== task.priority) {
      next.priority = edit.priority;
      changed.push("priority");
    }
  }
  if (edit.depends_on !== undefined) {
    const deps = [...new Set(edit.depends_on)];
    for (const dep of deps) {
      if (dep === task.id) throw new FleetError("usage", `${task.id} cannot depend on itself`);
      if (dependsOn(dep) === null)
        throw new FleetError("not-found", `--depends-on ${dep}: there is no task ${dep}`, {
          hint: "`fleet ls --all` lists every task.",
        });
    }
    const cycle = findCycle(task.id, deps, dependsOn);
    if (cycle)
      throw new FleetError("usage", `depending on ${cycle[1]} would make a cycle: ${cycle.join(" → ")}`, {
        hint: "A task can only start once everything it depends on is done; a cycle never starts.",
      });
    if (deps.join("\n") !== task.depends_on.join("\n")) {
      next.depends_on = deps;
      changed.push("depends_on");
    }
  }
  if (edit.touches !== undefined) {
    const touches = edit.touches.map((g) => g.trim());
    if (touches.some((g) => g === ""))
      throw new FleetError("usage", "--touches needs a path or glob, e.g. 'src/api/**'");
    if (touches.join("\n") !== task.touches.join("\n")) {
      next.touches = touches;
      changed.push("touches");
    }
  }
  let nextBody = body;
  if (edit.body !== undefined) {
    nextBody = edit.body.trim() ? `${edit.body.trim()}\n` : "";
    if (nextBody !== body) changed.push("body");
  }
  if (changed.length) next.updated = now;
  return { task: next, body: nextBody, changed };
}

/** A path `id → first → … → id` through `deps`, if making `id` depend on `deps` closes one. */
function findCycle(
  id: string,
  deps: readonly string[],
  dependsOn: (id: string) => readonly string[] | null,
): string[] | null {
  const seen = new Set<string>();
  const walk = (at: string, path: string[]): string[] | null => {
    if (at === id) return [...path, id];
    if (seen.has(at)) return null;
    seen.add(at);
    for (const next of dependsOn(at) ?? []) {
      const found = walk(next, [...path, at]);
      if (found) return found;
    }
    return null;
  };
  for (const dep of deps) {
    const found = walk(dep, [id]);
    if (found) return found;
  }
  return null;
}
