/**
 * A cross-process mutex under the git directory, on proper-lockfile. The lock is a directory whose
 * mtime is refreshed while held and considered stale after `staleMs`. proper-lockfile's default
 * `onCompromised` throws inside a timer (killing the process), so we always pass a handler.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import lockfile from "proper-lockfile";
import { FleetError, isErrnoError } from "../errors.js";

/** Options for {@link withFileLock}. */
export interface FileLockOptions {
  /** How long to keep retrying when another process holds the lock, ms. Default 30 s. */
  waitMs?: number;
  /** A held lock whose mtime is older than this is stale and may be taken over, ms. Default 20 s. */
  staleMs?: number;
  /** Called if the lock is lost while held (mtime not refreshed in time, lock dir removed). */
  onCompromised?: (err: Error) => void;
  /** Describes the holder in the error when the wait runs out ("another fleet command"). */
  what?: string;
}

/**
 * Runs `fn` while holding the lock named by `lockPath` (the lock directory is `<lockPath>.lock`).
 * The lock is released in `finally`; a release error never hides `fn`'s own error.
 * @throws FleetError("locked") when the lock cannot be had within `waitMs`.
 */
export async function withFileLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  opts: FileLockOptions = {},
): Promise<T> {
  mkdirSync(path.dirname(lockPath), { recursive: true });
  const waitMs = opts.waitMs ?? 30_000;
  const staleMs = Math.max(opts.staleMs ?? 20_000, 5_000);
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(lockPath, {
      realpath: false,
      stale: staleMs,
      update: Math.floor(staleMs / 2),
      retries: { retries: Math.max(1, Math.ceil(waitMs / 100)), factor: 1, minTimeout: 100, maxTimeout: 100 },
      onCompromised: opts.onCompromised ?? (() => {}),
    });
  } catch (err) {
    if (isErrnoError(err, "ELOCKED")) {
      throw new FleetError("locked", `${opts.what ?? "another fleet process"} holds ${lockPath}.lock`, {
        cause: err,
        hint: "Wait for it to finish and try again.",
      });
    }
    throw err;
  }
  let result: T;
  try {
    result = await fn();
  } catch (err) {
    await release().catch(() => {});
    throw err;
  }
  await release().catch((err: unknown) => {
    if (!isErrnoError(err, "ERELEASED")) throw err;
  });
  return result;
}
