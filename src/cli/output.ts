/**
 * People-facing output: plain lines on stdout, errors on stderr, `--json` as one JSON document.
 * Colour comes from picocolors (tiny, no dependencies), switched on by our own rule below rather than
 * its own (which also colours any CI log and every pipe when `CI` is set).
 */
import { createColors } from "picocolors";

/**
 * True when colour may be used on `stream`: never with NO_COLOR set (non-empty) or FORCE_COLOR=0;
 * always with FORCE_COLOR set to anything else (https://force-color.org); else only on a terminal
 * whose TERM is not `dumb`.
 */
export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "") return false;
  const force = process.env.FORCE_COLOR;
  if (force === "0" || force === "false") return false;
  if (force !== undefined) return true;
  return Boolean(stream.isTTY) && process.env.TERM !== "dumb";
}

/** The styles output uses. */
export type Style = "red" | "green" | "yellow" | "magenta" | "cyan" | "dim" | "bold";

/** `text` in `style` when colour is on for `stream`, else plain. */
export function paint(style: Style, text: string, stream: NodeJS.WriteStream = process.stdout): string {
  return useColor(stream) ? createColors(true)[style](text) : text;
}

/** Writes lines to stdout. */
export function printLines(lines: readonly string[]): void {
  if (lines.length) process.stdout.write(`${lines.join("\n")}\n`);
}

/** Writes `value` as pretty JSON to stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes an error (and optional hint) to stderr as `fleet: <message>`. */
export function printError(message: string, hint?: string): void {
  process.stderr.write(`${paint("red", "fleet:", process.stderr)} ${message}\n`);
  if (hint) process.stderr.write(`${paint("dim", hint, process.stderr)}\n`);
}

/** Pads columns into aligned text rows (no trailing spaces). */
export function formatTable(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, [...cell].length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, i) =>
        i === row.length - 1 ? cell : cell + " ".repeat((widths[i] ?? 0) - [...cell].length),
      )
      .join("  ")
      .trimEnd(),
  );
}
