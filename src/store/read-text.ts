/**
 * Reading a record file's bytes as hostile data: only a regular file (never through a symbolic link,
 * never a FIFO that would block the daemon forever), at most {@link MAX_RECORD_BYTES}, valid UTF-8
 * (a lossy decode would rewrite the person's bytes on the next write), and no NUL byte. Anything else
 * is a {@link Problem} naming the file and the reason, so the caller can set the file aside unchanged.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { isErrnoError } from "../errors.js";
import type { Problem } from "./read-file.js";

/** Largest task, plan or run file read, bytes. Bodies are prose; a run's gate output is bounded apart. */
export const MAX_RECORD_BYTES = 2 * 1024 * 1024;

const decoder = new TextDecoder("utf-8", { fatal: true });
// O_NOFOLLOW: a symlink fails with ELOOP instead of being followed; O_NONBLOCK: opening a FIFO returns at once.
const FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** The text of a file, or why it is set aside; null when there is no such file. */
export type TextRead = { ok: true; text: string } | { ok: false; problems: Problem[] };

function problem(file: string, message: string): TextRead {
  return { ok: false, problems: [{ file, field: null, message }] };
}

/**
 * Reads `abs` (shown as `file`) with the limits of the module comment.
 * @returns the text, the problem that sets the file aside, or null when it does not exist.
 * @throws only unexpected I/O errors (EACCES, EIO…).
 */
export function readRecordText(abs: string, file: string, maxBytes = MAX_RECORD_BYTES): TextRead | null {
  let fd: number;
  try {
    fd = openSync(abs, FLAGS);
  } catch (err) {
    if (isErrnoError(err, "ENOENT") || isErrnoError(err, "ENOTDIR")) return null;
    if (isErrnoError(err, "ELOOP"))
      return problem(
        file,
        "is a symbolic link: fleet reads and writes only regular files; replace the link with the file itself",
      );
    throw err;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile())
      return problem(
        file,
        "is not a regular file (a folder, FIFO or device): remove it or move it out of .fleet/",
      );
    if (st.size > maxBytes)
      return problem(file, `is ${st.size} bytes, more than the ${maxBytes} bytes fleet reads: shorten it`);
    const buf = Buffer.alloc(st.size);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, got);
      if (n === 0) break;
      got += n;
    }
    const bytes = buf.subarray(0, got);
    const nul = bytes.indexOf(0);
    if (nul >= 0)
      return problem(file, `holds a NUL byte (a control character) at byte ${nul}: it is not a text file`);
    try {
      return { ok: true, text: decoder.decode(bytes) };
    } catch {
      return problem(file, "is not valid UTF-8: save it as UTF-8 text");
    }
  } finally {
    closeSync(fd);
  }
}

/** True for a C0 or C1 control character other than tab, or DEL: never in an id or a title. */
const isControl = (code: number) => (code < 0x20 && code !== 0x09) || (code >= 0x7f && code <= 0x9f);

/** The first control character in `text` as `U+XXXX`, or null. Tabs are allowed. */
export function controlCharacterIn(text: string): string | null {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isControl(code)) return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  }
  return null;
}
