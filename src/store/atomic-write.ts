/**
 * Crash-safe file writes: a temp file beside the target (`<file>.<digits>`, the name recovery knows
 * as a leftover), written and fsynced, renamed over the target, then the directory fsynced so the
 * rename itself survives a power loss. The target's mode is kept. Written here rather than with
 * write-file-atomic, which follows a symbolic link to wherever it points, and so that the fault
 * suite's failpoints sit between the steps.
 */
import {
  closeSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import path from "node:path";
import { FleetError, isErrnoError } from "../errors.js";
import { failpoint } from "../failpoints/failpoint.js";

/** fsync a directory so a rename or create inside it is durable. Ignored where the OS refuses (Windows). */
function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch (err) {
    if (!isErrnoError(err, "EISDIR") && !isErrnoError(err, "EPERM") && !isErrnoError(err, "EINVAL"))
      throw err;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Refuses to replace `file` unless it is a regular file or absent: a symbolic link dropped into
 * `.fleet/` must never lead a write to wherever it points, outside the repository.
 * @throws FleetError("invalid") naming the file.
 */
export function assertWritable(file: string): void {
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(file);
  } catch (err) {
    if (isErrnoError(err, "ENOENT")) return;
    throw err;
  }
  if (st.isSymbolicLink() || !st.isFile()) {
    const what = st.isSymbolicLink() ? "a symbolic link" : "not a regular file";
    throw new FleetError("invalid", `refusing to write ${file}: it is ${what}`, {
      hint: "fleet writes only regular files; remove it, or replace it with a regular file.",
    });
  }
}

/**
 * The UTF-8 text of `file`, or null when it does not exist.
 * @throws the fs error for anything but a missing file; FleetError("invalid") for a symbolic link or
 *   a file that is not regular (never read through, never opened: a FIFO would block).
 */
export function readTextIfExists(file: string): string | null {
  assertWritable(file);
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    if (isErrnoError(err, "ENOENT")) return null;
    throw err;
  }
}

/**
 * Atomically replaces `file` with `content` (UTF-8), creating parent folders as needed.
 * Skips the write when the file already holds exactly `content`. `current`, when the caller has just
 * read the file (null: it does not exist), saves reading it again.
 * @returns true when the file changed.
 * @throws the underlying fs error (EACCES, ENOSPC…) — the old file is then left as it was;
 *   FleetError("invalid") when `file` is a symbolic link or not a regular file (left as it is).
 */
export async function writeFileAtomically(
  file: string,
  content: string,
  current: string | null = readTextIfExists(file),
): Promise<boolean> {
  assertWritable(file);
  if (current === content) return false;
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true });
  writeAtomicSync(file, Buffer.from(content, "utf8"));
  return true;
}

let serial = 0;

/**
 * Replaces `file` with `bytes`: temp file, fsync, rename, fsync of the folder (see the module comment).
 * Does not check the target: call {@link assertWritable} first.
 * @throws the fs error; the temp file is removed and the old file left as it was.
 */
export function writeAtomicSync(file: string, bytes: Buffer): void {
  const dir = path.dirname(file);
  let mode = 0o644;
  try {
    mode = lstatSync(file).mode & 0o777;
  } catch {
    // a new file
  }
  serial = (serial + 1) % 1000;
  const tmp = `${file}.${(process.pid % 10_000_000) * 1000 + serial}`;
  const fd = openSync(tmp, "wx", mode);
  try {
    try {
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    failpoint("after-temp-write");
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  failpoint("after-rename");
  fsyncDir(dir);
}
