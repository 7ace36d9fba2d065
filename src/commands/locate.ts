/**
 * Finding `.fleet/` for read commands (`ls`, `show`, `doctor`) quickly: one synchronous
 * `git rev-parse` (no execa) gives the work tree root and the git common directory, where the
 * runtime state and the task cache live.
 */
import { statSync } from "node:fs";
import path from "node:path";
import { FleetError } from "../errors.js";
import { findRepoSync } from "../git/repo.js";
import { type FleetPaths, fleetPaths, runtimePaths } from "../store/paths.js";

/** A repository's `.fleet/` paths, its git common directory and the task cache file (all absolute). */
export interface FleetLocation {
  paths: FleetPaths;
  commonDir: string;
  /** `<git-common-dir>/fleet/cache/tasks.json`, read and written by `readTaskIndex`. */
  taskCache: string;
}

/**
 * The `.fleet/` paths of the work tree `root`.
 * @throws FleetError("not-initialized") when `root/.fleet/` does not exist.
 */
export function requireFleet(root: string): FleetPaths {
  const paths = fleetPaths(root);
  let isDir = false;
  try {
    isDir = statSync(paths.fleet).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) {
    throw new FleetError("not-initialized", `no .fleet/ folder in ${root}`, {
      hint: "Run `fleet init` to create one.",
    });
  }
  return paths;
}

/**
 * Locates the `.fleet/` of the repository containing `cwd`.
 * @throws FleetError("not-found") outside a git work tree; FleetError("not-initialized") without `.fleet/`.
 */
export function locateFleet(cwd: string): FleetLocation {
  const repo = findRepoSync(cwd);
  const paths = requireFleet(repo.root);
  return {
    paths,
    commonDir: repo.commonDir,
    taskCache: path.join(runtimePaths(repo.commonDir).cache, "tasks.json"),
  };
}
