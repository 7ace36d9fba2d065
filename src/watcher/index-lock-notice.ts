/**
 * The daemon's notice of a left-behind git `index.lock` (see git/index-lock.ts): checked after every
 * reconcile (one `stat`), told once per lock — a new lock, with a new mtime, is told again.
 */
import { STALE_INDEX_LOCK_MS, staleIndexLock, staleIndexLockAdvice } from "../git/index-lock.js";

/**
 * A check to call after each reconcile: when the lock at `lockPath` is older than `minAgeMs`,
 * `tell` gets the advice for it once.
 */
export function indexLockNotice(
  lockPath: string,
  tell: (advice: string) => void,
  minAgeMs = STALE_INDEX_LOCK_MS,
): () => void {
  let told: number | null = null;
  return () => {
    const lock = staleIndexLock(lockPath, Date.now(), minAgeMs);
    if (!lock) {
      told = null;
      return;
    }
    if (lock.mtimeMs === told) return;
    told = lock.mtimeMs;
    tell(staleIndexLockAdvice(lock));
  };
}
