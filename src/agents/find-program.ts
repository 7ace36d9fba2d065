/**
 * Where an agent CLI is found: on `PATH`, or in the project's own `node_modules/.bin` — where a project
 * that pins its agent CLI as a dev dependency keeps it (`npm i -D @anthropic-ai/claude-code`). The
 * daemon's PATH rarely holds that folder (`npm run` adds it, a shell does not), so agents get it
 * appended to theirs: a global install still wins, and a project's pinned CLI is found without a hand
 * edit of `PATH` or of the agent file. Touches the file system (stat) only.
 */
import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";
import type { RunnerName } from "../store/schemas/agent.js";

/** The program each CLI runner starts by default (`command:` in an agent file overrides it); null for runners without one. */
export const RUNNER_PROGRAMS: Readonly<Record<RunnerName, string | null>> = {
  "claude-code": "claude",
  codex: "codex",
  gemini: "gemini",
  aider: "aider",
  command: null,
  script: null,
};

/** `<root>/node_modules/.bin`, absolute. */
export function projectBinDir(root: string): string {
  return path.join(root, "node_modules", ".bin");
}

/**
 * `env` with the project's `node_modules/.bin` appended to `PATH` (kept last, so a program on the
 * daemon's PATH wins; not added twice). Returns a new object; `env` is not changed.
 */
export function withProjectBin(env: NodeJS.ProcessEnv, root: string): NodeJS.ProcessEnv {
  const bin = projectBinDir(root);
  const dirs = (env.PATH ?? "").split(path.delimiter).filter(Boolean);
  if (dirs.includes(bin)) return { ...env };
  return { ...env, PATH: [...dirs, bin].join(path.delimiter) };
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where a program was found, and through which place. */
export interface FoundProgram {
  /** Absolute path of the executable. */
  file: string;
  /** `path`: a folder of `PATH`; `project`: the project's `node_modules/.bin`; `given`: an absolute or relative path. */
  via: "path" | "project" | "given";
}

/**
 * Looks `program` up the way the agent's spawn will: a name with a slash is taken as a path (relative to
 * `cwd`); a bare name is searched in `env.PATH`, then in `<root>/node_modules/.bin`.
 * @returns the executable found, or null when there is none.
 */
export function findProgram(
  program: string,
  env: NodeJS.ProcessEnv,
  root: string,
  cwd: string = root,
): FoundProgram | null {
  if (program.includes("/")) {
    const file = path.resolve(cwd, program);
    return isExecutableFile(file) ? { file, via: "given" } : null;
  }
  for (const dir of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, program);
    if (isExecutableFile(file))
      return { file, via: path.resolve(dir) === projectBinDir(root) ? "project" : "path" };
  }
  const file = path.join(projectBinDir(root), program);
  return isExecutableFile(file) ? { file, via: "project" } : null;
}
