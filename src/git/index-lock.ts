/**
 * git's `index.lock`. git creates it while it rewrites the index and renames it into place when done
 * (git's lockfile API, `Documentation/technical/api-lockfile`); a git process killed mid-write — `kill -9`,
 * a crash, a full disk — leaves it behind, and from then on every git command that writes the index
 * fails with "Unable to create '…/index.lock': File exists" until someone removes it. git never
 * removes a stale one itself, and neither do we: only a person can know that no git command is still
 * running. We notice it, keep working around it, and say what to do.
 */
import { statSync } from "node:fs";
import path from "node:path";
import type { Repo } from "./repo.js";
import { gitText } from "./run-git.js";

/** An `index.lock` older than this is reported as left behind, ms (git holds it for milliseconds). */
export const STALE_INDEX_LOCK_MS = 10 * 60_000;

/** The absolute path of the work tree's `index.lock` (`git rev-parse --git-path index.lock`). */
export async function indexLockPath(repo: Repo): Promise<string> {
  const rel = await gitText(["rev-parse", "--git-path", "index.lock"], { cwd: repo.root });
  return path.resolve(repo.root, rel);
}

/** A left-behind lock: where it is, its age in ms, and its mtime (ms since the epoch) to tell locks apart. */
export interface StaleIndexLock {
  path: string;
  ageMs: number;
  mtimeMs: number;
}

/** The lock at `lockPath` when it exists and is older than `minAgeMs`, else null. */
export function staleIndexLock(
  lockPath: string,
  now: number,
  minAgeMs = STALE_INDEX_LOCK_MS,
): StaleIndexLock | null {
  try {
    const st = statSync(lockPath);
    const ageMs = now - st.mtimeMs;
    return ageMs >= minAgeMs ? { path: lockPath, ageMs, mtimeMs: st.mtimeMs } : null;
  } catch {
    return null;
  }
}

/** What to tell a person about a left-behind lock, in one sentence. */
export function staleIndexLockAdvice(lock: StaleIndexLock): string {
  const minutes = Math.round(lock.ageMs / 60_000);
  return `${lock.path} is ${minutes} min old: a git command that was killed left it, and git refuses to write the index until it is gone. If no git command is running in this repository, remove it (rm '${lock.path}'); until then fleet commits without refreshing your index, so \`git status\` may show .fleet/ files as staged.`;
}
