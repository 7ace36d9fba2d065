/**
 * Turning an approved decomposition into child tasks (design.md §5): the `queue/<id>.md` files of the
 * children, with ids minted so that none is taken on disk. Used when a plan is approved automatically
 * (plan.ts) and by `fleet approve` (commands/approve.ts); the rules are lifecycle/children.ts.
 */
import { existsSync } from "node:fs";
import { type ChildProposal, spawnChildren } from "../../lifecycle/children.js";
import { generateId } from "../../store/ids.js";
import { type FleetPaths, relativeToRoot, taskPath } from "../../store/paths.js";
import { nowTimestamp } from "../../store/schemas/common.js";
import type { Task } from "../../store/schemas/task.js";
import { serializeTask } from "../../store/write-records.js";
import type { FileWrite } from "../job.js";

/** The task files `proposals` become as children of `parent`, created `now`. */
export function childTaskWrites(
  paths: FleetPaths,
  parent: Task,
  proposals: readonly ChildProposal[],
  now: Date,
): FileWrite[] {
  const minted = new Set<string>();
  const mint = (title: string) => {
    const id = generateId(title, (c) => minted.has(c) || existsSync(taskPath(paths, c)));
    minted.add(id);
    return id;
  };
  return spawnChildren(parent, proposals, nowTimestamp(now), mint).map((c) => ({
    rel: relativeToRoot(paths.root, taskPath(paths, c.task.id)),
    content: serializeTask(c.task, c.body),
  }));
}
