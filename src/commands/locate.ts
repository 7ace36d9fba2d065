/**
 * Finding `.fleet/` without spawning git, so read commands (`ls`, `show`, `doctor`) start fast: walk up
 * from the working directory to the first folder holding `.git` (a directory, or a file in a linked
 * worktree or submodule) — the work tree root — and look for `.fleet/` there.
 */
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { FleetError } from "../errors.js";
import { type FleetPaths, fleetPaths } from "../store/paths.js";

/**
 * The work tree root containing `cwd` (absolute).
 * @throws FleetError("not-found") when no folder from `cwd` up holds `.git`.
 */
export function findWorkTreeRoot(cwd: string): string {
  let dir = path.resolve(cwd);
  for (;;) {
    if (existsSync(path.join(dir, ".git"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) {
      throw new FleetError("not-found", `${cwd} is not inside a git repository`, {
        hint: "Run `git init` and `fleet init` first, or cd into your project.",
      });
    }
    dir = up;
  }
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

/** {@link findWorkTreeRoot} then {@link requireFleet}. */
export function locateFleet(cwd: string): FleetPaths {
  return requireFleet(findWorkTreeRoot(cwd));
}
