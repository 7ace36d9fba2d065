/**
 * Crash-safe file writes: write-file-atomic writes a temp file beside the target, fsyncs it and renames
 * it over the target; we then fsync the directory so the rename itself survives a power loss.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync } from "node:fs";
import path from "node:path";
import writeFileAtomic from "write-file-atomic";
import { isErrnoError } from "../errors.js";

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
 * Atomically replaces `file` with `content` (UTF-8), creating parent folders as needed.
 * Skips the write when the file already holds exactly `content`.
 * @returns true when the file changed.
 * @throws the underlying fs error (EACCES, ENOSPC…) — the old file is then left as it was.
 */
export async function writeFileAtomically(file: string, content: string): Promise<boolean> {
  try {
    if (readFileSync(file, "utf8") === content) return false;
  } catch (err) {
    if (!isErrnoError(err, "ENOENT")) throw err;
  }
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true });
  await writeFileAtomic(file, content, { encoding: "utf8", fsync: true });
  fsyncDir(dir);
  return true;
}
