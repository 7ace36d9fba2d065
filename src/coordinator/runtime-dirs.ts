/**
 * The coordinator's corner of the runtime directory (`<git-common-dir>/fleet/`, never committed):
 * claim files, checkouts, worktrees, output and prompt folders, transcripts. Every path built from a
 * task id goes through `assertValidId`.
 */
import path from "node:path";
import { assertValidId } from "../store/ids.js";
import { runtimePaths } from "../store/paths.js";

/** Absolute runtime paths of one task's run. */
export interface TaskRuntime {
  /** `fleet/claims/<id>.json`: epoch, holder, process groups, back-off. */
  claimFile: string;
  /** `fleet/locks/task-<id>.lock`: the claim's lock directory (proper-lockfile). */
  lockDir: string;
  /** `<work>/clones/<id>`: the task's own clone on branch `fleet/<id>` (implement), outside the git dir. */
  clone: string;
}

/** Runtime paths for task `id`. */
export function taskRuntime(commonDir: string, id: string): TaskRuntime {
  const rt = runtimePaths(commonDir);
  assertValidId(id);
  return {
    claimFile: path.join(rt.dir, "claims", `${id}.json`),
    lockDir: path.join(rt.locks, `task-${id}.lock`),
    // Agents work outside the git directory (see RuntimePaths.work): Claude Code edits nothing under .git.
    clone: path.join(rt.work, "clones", id),
  };
}

/** `fleet/claims/` */
export function claimsDir(commonDir: string): string {
  return path.join(runtimePaths(commonDir).dir, "claims");
}

/** `<work>/outputs/`: each run's FLEET_OUTPUT_DIR is a fresh folder in here (outside the git dir). */
export function outputsDir(commonDir: string): string {
  return path.join(runtimePaths(commonDir).work, "outputs");
}

/** `fleet/prompts/`: each run's FLEET_PROMPT_FILE. */
export function promptsDir(commonDir: string): string {
  return path.join(runtimePaths(commonDir).dir, "prompts");
}

/** Transcript of run `seq` of task `id`: absolute path and the path relative to the common dir (for run records). */
export function runLog(
  commonDir: string,
  id: string,
  seq: number,
  phase: string,
): { abs: string; rel: string } {
  const rel = `fleet/logs/${assertValidId(id)}/${String(seq).padStart(3, "0")}-${phase}.log`;
  return { abs: path.join(commonDir, ...rel.split("/")), rel };
}
