/**
 * A cross-process mutex under the git directory, on proper-lockfile. The lock is a directory whose
 * mtime is refreshed while held and considered stale after `staleMs`. proper-lockfile's default
 * `onCompromised` throws inside a timer (killing the process), so we always pass a handler.
 *
 * Beside the lock directory, `<lockPath>.owner` names the holder (pid, host) and the lock directory
 * it made (inode). A lock whose recorded holder is a dead process on this host — `kill -9` in the
 * middle of a commit — is taken over at once instead of after `staleMs`. Only the inode is compared:
 * the lock's own refresh changes its mtime, so comparing mtimes made every takeover after the first
 * refresh wait the full stale time. An owner file never outlives its holder's release (it is removed
 * first), since the next lock directory often gets the same inode; and a takeover first renames the
 * owner file to a name of its own, so of two processes breaking one dead lock only one proceeds.
 * A lock directory with no owner file at all, 3 s old, was left by a holder killed before it could
 * write one: it is taken over too, instead of after the whole stale time.
 */
import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { hostname } from "node:os";
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
 * True when process `pid` exists on this host and is not a zombie (EPERM: exists, owned by someone
 * else). A killed process whose parent has not reaped it yet still answers signal 0; on Linux its
 * `/proc/<pid>/stat` state `Z` tells it is dead.
 */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if (!isErrnoError(err, "EPERM")) return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat[stat.lastIndexOf(")") + 2] !== "Z";
  } catch {
    return !existsSync("/proc/self/stat"); // gone meanwhile on Linux; no /proc elsewhere
  }
}

interface Owner {
  pid: number;
  host: string;
  ino: number;
}

function writeOwner(lockPath: string): void {
  try {
    const st = statSync(`${lockPath}.lock`);
    const owner: Owner = { pid: process.pid, host: hostname(), ino: st.ino };
    const tmp = `${lockPath}.owner.${process.pid}`;
    writeFileSync(tmp, JSON.stringify(owner));
    renameSync(tmp, `${lockPath}.owner`);
  } catch {
    // Without an owner file a crashed holder's lock is only taken over once stale.
  }
}

/**
 * A lock directory with no owner file this long after it was made belongs to a holder killed
 * between making it and writing the owner file (a live holder writes it within a millisecond), ms.
 */
const OWNERLESS_MS = 3_000;

/** Removes the lock when its recorded holder is a dead process on this host. @returns true when removed. */
function breakDeadLock(lockPath: string): boolean {
  const ownerFile = `${lockPath}.owner`;
  if (!existsSync(ownerFile)) {
    try {
      const st = statSync(`${lockPath}.lock`);
      if (Date.now() - st.mtimeMs < OWNERLESS_MS) return false;
      if (existsSync(ownerFile)) return false;
      rmdirSync(`${lockPath}.lock`);
      return true;
    } catch {
      return false;
    }
  }
  try {
    const owner = JSON.parse(readFileSync(ownerFile, "utf8")) as Owner;
    const st = statSync(`${lockPath}.lock`);
    if (owner.host !== hostname() || owner.ino !== st.ino) return false;
    if (owner.pid === process.pid || isPidAlive(owner.pid)) return false;
    // Claim the takeover: only one process can rename the owner file away.
    const mine = `${ownerFile}.breaking.${process.pid}`;
    renameSync(ownerFile, mine);
    try {
      const again = JSON.parse(readFileSync(mine, "utf8")) as Owner;
      if (again.pid !== owner.pid || again.ino !== statSync(`${lockPath}.lock`).ino) {
        renameSync(mine, ownerFile); // a new holder wrote it meanwhile: hand it back untouched
        return false;
      }
      rmdirSync(`${lockPath}.lock`);
    } finally {
      rmSync(mine, { force: true });
    }
    return true;
  } catch {
    return false;
  }
}

/** Removes our owner file before the lock itself goes, so it never names a later holder's directory. */
function removeOwner(lockPath: string): void {
  try {
    const owner = JSON.parse(readFileSync(`${lockPath}.owner`, "utf8")) as Owner;
    if (owner.pid === process.pid && owner.host === hostname()) rmSync(`${lockPath}.owner`, { force: true });
  } catch {
    // none, or not ours
  }
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
  const deadline = Date.now() + (opts.waitMs ?? 30_000);
  const staleMs = Math.max(opts.staleMs ?? 20_000, 5_000);
  let release: () => Promise<void>;
  for (;;) {
    try {
      release = await lockfile.lock(lockPath, {
        realpath: false,
        stale: staleMs,
        update: Math.floor(staleMs / 2),
        retries: 0,
        onCompromised: opts.onCompromised ?? (() => {}),
      });
      break;
    } catch (err) {
      if (!isErrnoError(err, "ELOCKED")) throw err;
      if (breakDeadLock(lockPath)) continue;
      if (Date.now() >= deadline) {
        throw new FleetError("locked", `${opts.what ?? "another fleet process"} holds ${lockPath}.lock`, {
          cause: err,
          hint: "Wait for it to finish and try again.",
        });
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  writeOwner(lockPath);
  let result: T;
  try {
    result = await fn();
  } catch (err) {
    removeOwner(lockPath);
    await release().catch(() => {});
    throw err;
  }
  removeOwner(lockPath);
  await release().catch((err: unknown) => {
    if (!isErrnoError(err, "ERELEASED")) throw err;
  });
  return result;
}
