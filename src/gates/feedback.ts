/**
 * Feedback text for the next implement prompt: which gate, what command, how it ended, and the part
 * of its output that says why. Written for an agent to act on and for a person reading `fleet show`.
 */
import type { ShellResult } from "./shell.js";

/** "exited with code 1", "was killed after the 10 s timeout", "could not start: …". */
export function describeEnd(result: ShellResult, timeoutMs: number): string {
  if (result.spawnError) return `could not start: ${result.spawnError}`;
  if (result.timedOut) return `was killed after the ${formatMs(timeoutMs)} timeout`;
  if (result.aborted) return "was stopped (the fleet is shutting down)";
  if (result.exitCode === null) return `was killed by ${result.signal ?? "a signal"}`;
  return `exited with code ${result.exitCode}`;
}

/** 1500 → "1.5 s", 600000 → "10 min". */
export function formatMs(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return `${Number((ms / 1_000).toFixed(1))} s`;
  return `${Number((ms / 60_000).toFixed(1))} min`;
}

const FIRST_FAILURE = /not ok|error|fail|assert|expected|exception|✗|×/i;

/**
 * The part of `output` that says why: when it is longer than `maxLines`, the lines from just before
 * the first one that looks like a failure (`not ok`, `Error`, `expected`…), else the last lines.
 */
export function relevantLines(output: string, maxLines = 60): string {
  const lines = output.replace(/\s+$/, "").split(/\r?\n/);
  if (lines.length <= maxLines) return lines.join("\n");
  const first = lines.findIndex((l) => FIRST_FAILURE.test(l));
  if (first < 0) return lines.slice(-maxLines).join("\n");
  const start = Math.max(0, Math.min(first - 3, lines.length - maxLines));
  return lines.slice(start, start + maxLines).join("\n");
}

/** The output part of feedback: the relevant lines, fenced; "(no output)" when there was none. */
export function outputExcerpt(output: string, maxLines = 60, maxChars = 6_000): string {
  let text = relevantLines(output, maxLines);
  if (text.length > maxChars) text = `${text.slice(0, maxChars)}\n…`;
  if (text.trim() === "") return "(no output)";
  const fence = text.includes("```") ? "~~~~" : "```";
  return `${fence}\n${text}\n${fence}`;
}
