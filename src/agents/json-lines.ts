/**
 * Reading the JSON-lines output of agent CLIs (`claude -p --output-format stream-json`,
 * `codex exec --json`): one event object a line, with the CLI's plain-text complaints mixed in.
 */

/** A parsed JSON object. */
export type Json = Record<string, unknown>;

/** `value` as an object, or null when it is not a plain object. */
export function obj(value: unknown): Json | null {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Json) : null;
}

/** `value` as a finite number, or null. */
export function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** `value` as a string, or null. */
export function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/**
 * Parses one output line as a JSON event object. A blank line gives null; a line that is not a JSON
 * object gives null and is kept in `plainLines` (at most the last `keep`), since a CLI's plain text is
 * usually its error message.
 */
export function parseEventLine(line: string, plainLines: string[], keep = 20): Json | null {
  const text = line.trim();
  if (!text) return null;
  let event: Json | null = null;
  if (text.startsWith("{")) {
    try {
      event = obj(JSON.parse(text));
    } catch {
      event = null;
    }
  }
  if (!event) {
    plainLines.push(text);
    if (plainLines.length > keep) plainLines.shift();
  }
  return event;
}
