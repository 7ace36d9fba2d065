/**
 * Reading `codex exec --json` output: one JSON event per line — `thread.started` (`thread_id`),
 * `turn.started`, `item.started|updated|completed` (items of type `agent_message` with `text`,
 * `command_execution`, `file_change`, `reasoning`, `error`, …), `turn.completed` with `usage`
 * (`input_tokens`, `cached_input_tokens`, `output_tokens`), `turn.failed` with `error.message`, and
 * `error` (a stream-level error; "Reconnecting… n/5" while codex retries).
 * Source: codex-rs/exec/src/exec_events.rs in openai/codex, checked against codex-cli 0.169.0's output.
 */
import { num, obj, parseEventLine } from "./json-lines.js";

/** What one `codex exec` said about itself. */
export interface CodexSummary {
  threadId: string | null;
  /** Text of the last `agent_message` item: the final answer. */
  finalMessage: string | null;
  /** Summed over `turn.completed` events; null until one is seen. */
  inputTokens: number | null;
  cachedInputTokens: number | null;
  outputTokens: number | null;
  turnCompleted: boolean;
  /** `turn.failed.error.message`, or the last `error` event's message. */
  failure: string | null;
  /** Lines that were not JSON events (stderr warnings, a CLI usage error). */
  plainLines: string[];
}

export function emptyCodexSummary(): CodexSummary {
  return {
    threadId: null,
    finalMessage: null,
    inputTokens: null,
    cachedInputTokens: null,
    outputTokens: null,
    turnCompleted: false,
    failure: null,
    plainLines: [],
  };
}

function add(a: number | null, b: number | null): number | null {
  return b === null ? a : (a ?? 0) + b;
}

/** Folds one output line into `summary` (mutating it); non-JSON lines go to `plainLines` (last 20). */
export function readCodexLine(summary: CodexSummary, line: string): void {
  const event = parseEventLine(line, summary.plainLines);
  if (!event) return;
  switch (event.type) {
    case "thread.started":
      if (typeof event.thread_id === "string") summary.threadId = event.thread_id;
      break;
    case "item.completed": {
      const item = obj(event.item);
      if (item?.type === "agent_message" && typeof item.text === "string") summary.finalMessage = item.text;
      break;
    }
    case "turn.completed": {
      const usage = obj(event.usage);
      summary.turnCompleted = true;
      summary.inputTokens = add(summary.inputTokens, num(usage?.input_tokens));
      summary.cachedInputTokens = add(summary.cachedInputTokens, num(usage?.cached_input_tokens));
      summary.outputTokens = add(summary.outputTokens, num(usage?.output_tokens));
      break;
    }
    case "turn.failed": {
      const message = obj(event.error)?.message;
      if (typeof message === "string") summary.failure = message;
      break;
    }
    case "error":
      if (typeof event.message === "string" && !/^Reconnecting\b/.test(event.message)) {
        summary.failure = event.message;
      }
      break;
    default:
      break;
  }
}
