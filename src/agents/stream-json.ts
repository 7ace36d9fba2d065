/**
 * Reading Claude Code's `--output-format stream-json --verbose` output: one JSON object per line —
 * `system` (subtype `init` with `session_id` and `model`; `api_retry` with `error_status`), `assistant`
 * and `user` messages (an `assistant` message may carry `error`: `rate_limit`, `authentication_failed`,
 * `server_error`, …), and a final `result` with `subtype` (`success`, `error_max_turns`,
 * `error_max_budget_usd`, `error_during_execution`), `is_error`, `api_error_status`, `result`,
 * `session_id`, `total_cost_usd`, `usage`, `modelUsage` (per model) and `num_turns`.
 * Sources: https://code.claude.com/docs/en/headless (output formats), and the events `claude` 2.1.197
 * actually prints (recorded in docs/runners.md).
 */
import { type Json, num, obj, parseEventLine, str } from "./json-lines.js";

/** What one run said about itself, gathered line by line. */
export interface ClaudeStreamSummary {
  sessionId: string | null;
  /** The model the session ran with (from `system/init`). */
  model: string | null;
  /** The final `result` event was seen. */
  sawResult: boolean;
  /** `result.subtype`: `success`, `error_max_turns`, `error_max_budget_usd`, `error_during_execution`. */
  subtype: string | null;
  isError: boolean;
  /** HTTP status of the API error that ended the run (`result.api_error_status`), or the last retried one. */
  apiErrorStatus: number | null;
  /** `error` of the last assistant message (`rate_limit`, `authentication_failed`, `server_error`, …). */
  errorKind: string | null;
  /** `result.result`: the final text (or the error text when `is_error`). */
  resultText: string | null;
  costUsd: number | null;
  /** Input tokens, cache reads and writes included (they are input the model read). */
  inputTokens: number | null;
  outputTokens: number | null;
  numTurns: number | null;
  /** The longest delay the CLI said it would wait before retrying the API, ms (`api_retry`). */
  retryDelayMs: number | null;
  /** Lines that were not JSON (a CLI error printed before the stream started, e.g. a bad flag). */
  plainLines: string[];
}

/** An empty summary, before any line. */
export function emptyClaudeSummary(): ClaudeStreamSummary {
  return {
    sessionId: null,
    model: null,
    sawResult: false,
    subtype: null,
    isError: false,
    apiErrorStatus: null,
    errorKind: null,
    resultText: null,
    costUsd: null,
    inputTokens: null,
    outputTokens: null,
    numTurns: null,
    retryDelayMs: null,
    plainLines: [],
  };
}

/** Sum of the input-side token counts of a `usage` object (plain, cache read, cache creation), or null. */
export function claudeInputTokens(usage: Json | null): number | null {
  if (!usage) return null;
  const parts = [usage.input_tokens, usage.cache_read_input_tokens, usage.cache_creation_input_tokens]
    .map(num)
    .filter((n): n is number => n !== null);
  return parts.length ? parts.reduce((a, b) => a + b, 0) : null;
}

/** Input (cache reads and writes included) and output tokens summed over `result.modelUsage`, or null. */
export function modelUsageTokens(modelUsage: Json | null): { input: number; output: number } | null {
  if (!modelUsage) return null;
  let input = 0;
  let output = 0;
  let seen = false;
  for (const value of Object.values(modelUsage)) {
    const m = obj(value);
    if (!m) continue;
    seen = true;
    input +=
      (num(m.inputTokens) ?? 0) + (num(m.cacheReadInputTokens) ?? 0) + (num(m.cacheCreationInputTokens) ?? 0);
    output += num(m.outputTokens) ?? 0;
  }
  return seen ? { input, output } : null;
}

/**
 * Folds one line of stream-json into `summary` (mutating it). Lines that are not JSON objects are kept
 * in `plainLines` (at most the last 20); unknown event types are ignored.
 */
export function readClaudeLine(summary: ClaudeStreamSummary, line: string): void {
  const event = parseEventLine(line, summary.plainLines);
  if (!event) return;
  const sessionId = str(event.session_id);
  if (sessionId) summary.sessionId = sessionId;
  switch (event.type) {
    case "system":
      if (event.subtype === "init") summary.model = str(event.model) ?? summary.model;
      if (event.subtype === "api_retry") {
        summary.apiErrorStatus = num(event.error_status) ?? summary.apiErrorStatus;
        const delay = num(event.retry_delay_ms);
        if (delay !== null) summary.retryDelayMs = Math.max(summary.retryDelayMs ?? 0, delay);
      }
      break;
    case "assistant": {
      const kind = str(event.error);
      if (kind) summary.errorKind = kind;
      break;
    }
    case "result": {
      summary.sawResult = true;
      summary.subtype = str(event.subtype);
      summary.isError = event.is_error === true;
      summary.apiErrorStatus =
        num(event.api_error_status) ?? (summary.isError ? summary.apiErrorStatus : null);
      summary.resultText = str(event.result);
      summary.costUsd = num(event.total_cost_usd);
      // `modelUsage` covers every model the run used and is filled even when `usage` is zeroed (a run
      // stopped at --max-budget-usd); `usage` is the fallback for older CLIs.
      const perModel = modelUsageTokens(obj(event.modelUsage));
      const usage = obj(event.usage);
      summary.inputTokens = perModel?.input ?? claudeInputTokens(usage);
      summary.outputTokens = perModel?.output ?? num(usage?.output_tokens);
      summary.numTurns = num(event.num_turns);
      break;
    }
    default:
      break;
  }
}
