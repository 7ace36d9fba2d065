/**
 * Crash-safe file writes: write-file-atomic writes a temp file beside the target, fsyncs it and renames
 * it over the target; we then fsync the directory so the rename itself survives a power loss.
 */
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync } from "node:fs";
import path from "node:path";
import writeFileAtomic from "write-file-atomic";
import { FleetError, isErrnoError } from "../errors.js";

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
 * Refuses to replace `file` unless it is a regular file or absent: write-file-atomic resolves symbolic
 * links and would write into whatever a link dropped into `.fleet/` points at, outside the repository.
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
  await writeFileAtomic(file, content, { encoding: "utf8", fsync: true });
  fsyncDir(dir);
  return true;
}
