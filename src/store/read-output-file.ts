/**
 * Reading what an agent wrote into its FLEET_OUTPUT_DIR as data: a file is read only when it is a
 * plain file of its own — opened with `O_NOFOLLOW` (a symlink is refused, never followed to a file of
 * the person's), `O_NONBLOCK` (a FIFO cannot hang the daemon), one link (`st_nlink` 1: no hard link to
 * a file elsewhere), no folder on the way a symlink, and no larger than a limit.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from "node:fs";
import path from "node:path";

/** Largest output file read, bytes (research, plan, acceptance, question, review). */
export const MAX_OUTPUT_BYTES = 1024 * 1024;

/** An output file that is there but is not plain data; the attempt fails with `message`. */
export class OutputRefused extends Error {}

/**
 * The bytes of `rel` under output folder `dir`, or null when there is no such file.
 * @throws OutputRefused when it is a symlink, a hard link, not a regular file, inside a symlinked
 *   folder, or larger than `maxBytes`.
 */
export function readOutputFile(dir: string, rel: string, maxBytes = MAX_OUTPUT_BYTES): Buffer | null {
  const parts = rel.split("/");
  for (let i = 1; i < parts.length; i++) {
    const folder = path.join(dir, ...parts.slice(0, i));
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(folder);
    } catch {
      return null;
    }
    if (!st.isDirectory())
      throw new OutputRefused(
        `${parts.slice(0, i).join("/")}/ in $FLEET_OUTPUT_DIR is not a plain folder (links are not followed)`,
      );
  }
  let fd: number;
  try {
    fd = openSync(path.join(dir, rel), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    if (code === "ELOOP")
      throw new OutputRefused(
        `${rel} in $FLEET_OUTPUT_DIR is a symbolic link: outputs are read as plain files only`,
      );
    throw new OutputRefused(`${rel} in $FLEET_OUTPUT_DIR cannot be read (${code ?? (err as Error).message})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new OutputRefused(`${rel} in $FLEET_OUTPUT_DIR is not a regular file`);
    if (st.nlink > 1)
      throw new OutputRefused(
        `${rel} in $FLEET_OUTPUT_DIR is a hard link (${st.nlink} names): outputs must be files of their own`,
      );
    if (st.size > maxBytes)
      throw new OutputRefused(
        `${rel} in $FLEET_OUTPUT_DIR is ${st.size} bytes, over the ${maxBytes}-byte limit`,
      );
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, buf, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}
