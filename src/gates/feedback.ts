/**
 * Feedback text for the next implement prompt: which gate, what command, how it ended, and the part
 * of its output that says why. Written for an agent to act on and for a person reading `fleet show`.
 */
import { type ShellResult, tailLines } from "./shell.js";

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

/** The output part of feedback: the last lines, fenced; "(no output)" when there was none. */
export function outputExcerpt(output: string, maxLines = 60, maxChars = 6_000): string {
  const tail = tailLines(output, maxLines, maxChars);
  if (tail.trim() === "") return "(no output)";
  const fence = tail.includes("```") ? "~~~~" : "```";
  return `${fence}\n${tail}\n${fence}`;
}
