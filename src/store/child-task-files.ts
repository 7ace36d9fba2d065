/**
 * Turning an approved decomposition into child task files (design.md §5): the `queue/<id>.md` of each
 * child, with ids minted so that none is taken on disk. Used when a plan is approved automatically
 * (coordinator/phases/plan.ts) and by `fleet approve`; the rules are in lifecycle/children.ts.
 */
import { existsSync } from "node:fs";
import { type ChildProposal, spawnChildren } from "../lifecycle/children.js";
import { generateId } from "./ids.js";
import { type FleetPaths, relativeToRoot, taskPath } from "./paths.js";
import { nowTimestamp } from "./schemas/common.js";
import type { Task } from "./schemas/task.js";
import { serializeTask } from "./write-records.js";

/** One child task file to write: path relative to the repository root, its text, and the record. */
export interface ChildTaskFile {
  rel: string;
  content: string;
  task: Task;
}

/** The task files `proposals` become as children of `parent`, created `now`. */
export function childTaskFiles(
  paths: FleetPaths,
  parent: Task,
  proposals: readonly ChildProposal[],
  now: Date,
): ChildTaskFile[] {
  const minted = new Set<string>();
  const mint = (title: string) => {
    const id = generateId(title, (c) => minted.has(c) || existsSync(taskPath(paths, c)));
    minted.add(id);
    return id;
  };
  return spawnChildren(parent, proposals, nowTimestamp(now), mint).map((c) => ({
    rel: relativeToRoot(paths.root, taskPath(paths, c.task.id)),
    content: serializeTask(c.task, c.body),
    task: c.task,
  }));
}
