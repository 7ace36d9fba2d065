/**
 * Where a child's output goes: appended to a log file (the transcript), kept as a bounded in-memory
 * tail, and optionally handed to callbacks chunk by chunk or line by line (runners that parse JSON lines).
 *
 * A log file never grows past its cap (a runaway agent wrote 8.9 GB in 40 s): the first half of the
 * cap is written as it arrives, the last half is kept in memory and written at close after a line
 * `[fleet: output truncated: N bytes left out …]`. The cap counts what the file already holds, so
 * several captures appending to one run's log share it. Each log's byte count (all the child wrote)
 * and whether it was cut are kept for the run record ({@link takeLogStats}).
 */
import { closeSync, fstatSync, mkdirSync, openSync, writeSync } from "node:fs";
import path from "node:path";
import { StringDecoder } from "node:string_decoder";

/** Default size of the in-memory tail, bytes. */
export const DEFAULT_TAIL_BYTES = 32 * 1024;

/** Default cap of one log file, bytes (config.md `logs.max_bytes`). */
export const DEFAULT_LOG_MAX_BYTES = 4 * 1024 * 1024;
let logCapBytes = DEFAULT_LOG_MAX_BYTES;

/** Sets the cap of every log opened from now on without its own `maxLogBytes`, bytes (≥ 4 KiB). */
export function setLogCap(bytes: number): void {
  logCapBytes = Math.max(4096, Math.floor(bytes));
}

/** What a log's captures saw: every byte the children wrote, and whether the file left some out. */
export interface LogStats {
  bytes: number;
  truncated: boolean;
}

const stats = new Map<string, LogStats>();

/** The stats of `logFile` since the last call (then forgotten), or null when nothing was captured. */
export function takeLogStats(logFile: string): LogStats | null {
  const s = stats.get(logFile) ?? null;
  stats.delete(logFile);
  return s;
}

export type OutputStream = "stdout" | "stderr";

export interface CaptureOptions {
  /** Transcript file, appended to (its folder is created). Omit to keep no log. */
  logFile?: string;
  /** Bytes of the most recent output to keep in memory (default 32 KiB). */
  tailBytes?: number;
  /** Cap of the log file, bytes, counting what it already holds (default: {@link setLogCap}, 4 MiB). */
  maxLogBytes?: number;
  /** Every chunk as it arrives. */
  onOutput?: (chunk: Buffer, stream: OutputStream) => void;
  /** Every complete line (without its newline), per stream; a last unterminated line is passed at close. */
  onLine?: (line: string, stream: OutputStream) => void;
}

/** A transcript being written. Writes are synchronous: log lines land in order even if the daemon dies. */
export class OutputCapture {
  private readonly fd: number | undefined;
  private readonly tailBytes: number;
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private readonly decoders = new Map<OutputStream, { decoder: StringDecoder; carry: string }>();
  /** Bytes the file may still take as they come (the head), then bytes kept for the end (the tail). */
  private headLeft = 0;
  private logTailBytes = 0;
  private logTail: Buffer[] = [];
  private logTailSize = 0;
  /** Bytes of output neither in the head nor in the kept tail. */
  private omitted = 0;
  private bytes = 0;
  /** Our own lines that came after the head filled up: written after the tail. */
  private lateNotes: string[] = [];

  /** Opens (appends to) `opts.logFile`. @throws the fs error when the log cannot be opened. */
  constructor(private readonly opts: CaptureOptions) {
    this.tailBytes = opts.tailBytes ?? DEFAULT_TAIL_BYTES;
    const cap = opts.maxLogBytes ?? logCapBytes;
    if (opts.logFile) {
      mkdirSync(path.dirname(opts.logFile), { recursive: true });
      this.fd = openSync(opts.logFile, "a");
      const room = Math.max(0, cap - fstatSync(this.fd).size);
      this.logTailBytes = Math.min(Math.floor(cap / 2), room);
      this.headLeft = room - this.logTailBytes;
    }
  }

  /** Writes a line of our own (a header or footer) to the log, not to the tail. */
  note(line: string): void {
    if (this.fd === undefined) return;
    const text = `${line.endsWith("\n") ? line : `${line}\n`}`;
    if (this.logTailSize > 0 || this.headLeft === 0) this.lateNotes.push(text);
    else writeSync(this.fd, text);
  }

  /** Records one chunk of the child's output. */
  write(chunk: Buffer, stream: OutputStream): void {
    this.bytes += chunk.length;
    if (this.fd !== undefined) this.toLog(chunk);
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.chunks.length > 1 && this.size - (this.chunks[0]?.length ?? 0) >= this.tailBytes) {
      this.size -= this.chunks.shift()?.length ?? 0;
    }
    this.opts.onOutput?.(chunk, stream);
    if (this.opts.onLine) this.splitLines(chunk, stream);
  }

  /** The last `tailBytes` of output as text (a split multi-byte character at the start is dropped). */
  tail(): string {
    const all = Buffer.concat(this.chunks);
    const text = all.subarray(Math.max(0, all.length - this.tailBytes)).toString("utf8");
    return text.replace(/^\uFFFD+/, "");
  }

  private toLog(chunk: Buffer): void {
    if (this.fd === undefined) return;
    let rest = chunk;
    if (this.headLeft > 0) {
      const n = Math.min(this.headLeft, rest.length);
      writeSync(this.fd, rest.subarray(0, n));
      this.headLeft -= n;
      rest = rest.subarray(n);
    }
    if (rest.length === 0) return;
    this.logTail.push(Buffer.from(rest));
    this.logTailSize += rest.length;
    while (this.logTailSize > this.logTailBytes) {
      const first = this.logTail[0];
      if (!first) break;
      const over = this.logTailSize - this.logTailBytes;
      if (first.length <= over) {
        this.logTail.shift();
        this.logTailSize -= first.length;
        this.omitted += first.length;
      } else {
        this.logTail[0] = first.subarray(over);
        this.logTailSize -= over;
        this.omitted += over;
      }
    }
  }

  /** Writes the kept tail (after the truncation line, if any) and our late lines. */
  private flushLog(): void {
    if (this.fd === undefined) return;
    if (this.omitted > 0) {
      writeSync(
        this.fd,
        `\n[fleet: output truncated: ${this.omitted} bytes left out of ${this.bytes}; the log keeps its first bytes and the last ${this.logTailBytes}]\n`,
      );
    }
    for (const b of this.logTail) writeSync(this.fd, b);
    for (const line of this.lateNotes) writeSync(this.fd, line);
    this.logTail = [];
    this.logTailSize = 0;
    this.lateNotes = [];
    if (this.opts.logFile) {
      const seen = stats.get(this.opts.logFile) ?? { bytes: 0, truncated: false };
      stats.set(this.opts.logFile, {
        bytes: seen.bytes + this.bytes,
        truncated: seen.truncated || this.omitted > 0,
      });
    }
  }

  /** Flushes unterminated lines to `onLine` and closes the log. Safe to call twice. */
  close(): void {
    if (this.opts.onLine) {
      for (const [stream, state] of this.decoders) {
        const rest = state.carry + state.decoder.end();
        state.carry = "";
        if (rest !== "") this.opts.onLine(rest, stream);
      }
      this.decoders.clear();
    }
    if (this.fd !== undefined && !this.closed) {
      this.flushLog();
      closeSync(this.fd);
    }
    this.closed = true;
  }
  private closed = false;

  private splitLines(chunk: Buffer, stream: OutputStream): void {
    let state = this.decoders.get(stream);
    if (!state) {
      state = { decoder: new StringDecoder("utf8"), carry: "" };
      this.decoders.set(stream, state);
    }
    const text = state.carry + state.decoder.write(chunk);
    const lines = text.split("\n");
    state.carry = lines.pop() ?? "";
    for (const line of lines) this.opts.onLine?.(line.endsWith("\r") ? line.slice(0, -1) : line, stream);
  }
}

/** The last non-empty line of `text`, trimmed, at most `max` characters (default 300); "" if none. */
export function lastLine(text: string, max = 300): string {
  const lines = text.split("\n");
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = (lines[i] ?? "").trim();
    if (line !== "") return line.length > max ? `${line.slice(0, max - 1)}…` : line;
  }
  return "";
}
