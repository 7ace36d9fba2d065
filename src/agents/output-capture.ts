/**
 * Where a child's output goes: appended to a log file (the transcript), kept as a bounded in-memory
 * tail, and optionally handed to callbacks chunk by chunk or line by line (runners that parse JSON lines).
 */
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import path from "node:path";
import { StringDecoder } from "node:string_decoder";

/** Default size of the in-memory tail, bytes. */
export const DEFAULT_TAIL_BYTES = 32 * 1024;

export type OutputStream = "stdout" | "stderr";

export interface CaptureOptions {
  /** Transcript file, appended to (its folder is created). Omit to keep no log. */
  logFile?: string;
  /** Bytes of the most recent output to keep in memory (default 32 KiB). */
  tailBytes?: number;
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

  /** Opens (appends to) `opts.logFile`. @throws the fs error when the log cannot be opened. */
  constructor(private readonly opts: CaptureOptions) {
    this.tailBytes = opts.tailBytes ?? DEFAULT_TAIL_BYTES;
    if (opts.logFile) {
      mkdirSync(path.dirname(opts.logFile), { recursive: true });
      this.fd = openSync(opts.logFile, "a");
    }
  }

  /** Writes a line of our own (a header or footer) to the log, not to the tail. */
  note(line: string): void {
    if (this.fd !== undefined) writeSync(this.fd, `${line.endsWith("\n") ? line : `${line}\n`}`);
  }

  /** Records one chunk of the child's output. */
  write(chunk: Buffer, stream: OutputStream): void {
    if (this.fd !== undefined) writeSync(this.fd, chunk);
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
    if (this.fd !== undefined && !this.closed) closeSync(this.fd);
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
