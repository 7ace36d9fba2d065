/** People-facing output: plain lines on stdout, errors on stderr, `--json` as one JSON document. */
import { styleText } from "node:util";

/** True when colour may be used on `stream` (a TTY, and neither NO_COLOR nor FORCE_COLOR=0 set). */
export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "") return false;
  if (process.env.FORCE_COLOR === "0") return false;
  return Boolean(stream.isTTY);
}

type Style = Parameters<typeof styleText>[0];

/** `text` in `style` when colour is on, else plain. */
export function paint(style: Style, text: string, stream: NodeJS.WriteStream = process.stdout): string {
  return useColor(stream) ? styleText(style, text, { validateStream: false }) : text;
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
