/**
 * `runner: gemini` — drives Gemini CLI in headless mode: the prompt on stdin (a non-TTY stdin makes
 * the CLI headless and it reads the prompt from there), `--output-format json` (one object:
 * `session_id`, `response`, `stats.models.<model>.tokens.{prompt,candidates,cached,thoughts,…}`,
 * optional `error: {type, message, code}`), `--model`, and an approval mode per phase:
 * `auto_edit` for research, plan and review (file edits approved, shell commands denied) with
 * `--include-directories $FLEET_OUTPUT_DIR` so the answer can be written there; `yolo` for implement
 * (edits and shell commands in the worktree).
 * Exit codes (headless): 0 success, 1 general/API error, 41 authentication, 42 bad input,
 * 52 configuration, 53 turn limit, 54 tool execution, 130 cancelled.
 * Sources: https://geminicli.com/docs/cli/headless/ and docs/cli/non-interactive-automation.md in
 * google-gemini/gemini-cli, checked against Gemini CLI 0.61.0: `--skip-trust` is needed headless, and
 * after an API error the JSON object goes to stderr with `error.code` = the HTTP status.
 */
import { roundUsd, usdFromTokens } from "../lifecycle/cost.js";
import { prepareAttemptFiles } from "./attempt-files.js";
import {
  baseOutcome,
  type CliRun,
  endedEarly,
  lastSaid,
  programOf,
  realPath,
  runCli,
  whereSection,
} from "./cli-run.js";
import {
  type CliSetup,
  classifyFailureText,
  classifyHttpStatus,
  notLoggedInReason,
  retryAfterFromText,
} from "./failure-class.js";
import type { AgentRunRequest, AgentRunResult } from "./types.js";

export const GEMINI_SETUP: CliSetup = {
  program: "gemini",
  install: "npm install -g @google/gemini-cli",
  login:
    "set GEMINI_API_KEY in the daemon's environment and list it under `env:` in the agent file, " +
    "or run `gemini` once in a terminal as the user the daemon runs as and sign in",
};

/** The arguments after the program (the prompt goes on stdin). */
export function geminiArgs(req: AgentRunRequest): string[] {
  // --skip-trust: headless runs in the fleet's own checkouts would otherwise stop at the trust check.
  const args = ["--skip-trust", "--output-format", "json"];
  if (req.agent.model) args.push("--model", req.agent.model);
  args.push("--approval-mode", req.phase === "implement" ? "yolo" : "auto_edit");
  args.push("--include-directories", realPath(req.outputDir));
  return args;
}

/** What Gemini CLI's JSON output says. Tokens are summed over models; `usd` priced per model. */
export interface GeminiReport {
  sessionId: string | null;
  response: string | null;
  error: { type: string | null; message: string; code: string | number | null } | null;
  inputTokens: number | null;
  outputTokens: number | null;
  /** Priced per model from `prices`; null when a model that used tokens has no price. */
  usd: number | null;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | null =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : null;
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);

/** The last top-level JSON object in `text` (one that starts a line and runs to the end), or null. */
function lastJsonObject(text: string): Json | null {
  const starts: number[] = [];
  if (text.startsWith("{")) starts.push(0);
  for (let i = text.indexOf("\n{"); i >= 0; i = text.indexOf("\n{", i + 1)) starts.push(i + 1);
  for (const start of starts.reverse()) {
    try {
      const value = obj(JSON.parse(text.slice(start)));
      if (value) return value;
    } catch {
      // not this one: an earlier line may open the object
    }
  }
  return null;
}

/**
 * Parses the JSON object Gemini CLI prints with `--output-format json` — on stdout when it finished,
 * on stderr after an API error, so warnings and stack traces around it do not matter. Input tokens
 * are `prompt` tokens (cached ones included); output tokens are `candidates` plus `thoughts` (both
 * billed as output). Null when there is no JSON object.
 */
export function parseGeminiJson(text: string, prices: AgentRunRequest["prices"] = {}): GeminiReport | null {
  const data = lastJsonObject(text);
  if (!data) return null;
  const models = obj(obj(data.stats)?.models) ?? {};
  let input: number | null = null;
  let output: number | null = null;
  let usd = 0;
  let unpriced = false;
  for (const [model, stats] of Object.entries(models)) {
    const t = obj(obj(stats)?.tokens);
    if (!t) continue;
    const inTok = num(t.prompt);
    const outTok = num(t.candidates) + num(t.thoughts);
    input = (input ?? 0) + inTok;
    output = (output ?? 0) + outTok;
    const priced = usdFromTokens(prices, model, { input_tokens: inTok, output_tokens: outTok });
    if (priced !== null) usd += priced;
    else if (inTok + outTok > 0) unpriced = true;
  }
  const err = obj(data.error);
  return {
    sessionId: typeof data.session_id === "string" ? data.session_id : null,
    response: typeof data.response === "string" ? data.response : null,
    error: err
      ? {
          type: typeof err.type === "string" ? err.type : null,
          message: typeof err.message === "string" ? err.message : JSON.stringify(err),
          code: typeof err.code === "string" || typeof err.code === "number" ? err.code : null,
        }
      : null,
    inputTokens: input,
    outputTokens: output,
    usd: input === null || unpriced ? null : roundUsd(usd),
  };
}

/** Maps how the CLI ended and its JSON report to a runner result. */
export function geminiOutcome(
  req: AgentRunRequest,
  run: CliRun,
  report: GeminiReport | null,
): AgentRunResult {
  const base = baseOutcome(req, run, GEMINI_SETUP.program);
  const fields = {
    ...base,
    cost: {
      usd: report?.usd ?? null,
      input_tokens: report?.inputTokens ?? null,
      output_tokens: report?.outputTokens ?? null,
    },
    sessionId: report?.sessionId ?? null,
    finalMessage: report?.response == null ? null : run.redact(report.response),
  };
  const early = endedEarly(req, run, GEMINI_SETUP, fields);
  if (early) return early;
  const code = run.spawned.exitCode;
  if (code === 0 && !report?.error) return { ...fields, outcome: "finished", reason: null };
  const said = run.redact(report?.error?.message ?? lastSaid(run));
  // After an API error the report's `code` is the HTTP status (and the exit code that status mod 256).
  const status = typeof report?.error?.code === "number" ? report.error.code : null;
  const kind = classifyHttpStatus(status) ?? classifyFailureText(said);
  if (code === 41 || status === 41 || kind === "auth") {
    return { ...fields, outcome: "blocked", reason: notLoggedInReason(GEMINI_SETUP, said) };
  }
  if (code === 52) {
    return {
      ...fields,
      outcome: "blocked",
      reason: `gemini reports a configuration error: ${said} (fix ~/.gemini/settings.json or the agent file)`,
    };
  }
  if (kind === "try-later") {
    return {
      ...fields,
      outcome: "try-later",
      reason: `the model API asked to try later (rate limit, quota or overload): ${said}`,
      retryAfterMs: retryAfterFromText(said, Date.now()),
    };
  }
  if (code === 53)
    return {
      ...fields,
      outcome: "failed",
      reason: "gemini stopped at its session turn limit (maxSessionTurns)",
    };
  return {
    ...fields,
    outcome: "failed",
    reason: `gemini failed${code === null ? "" : ` (exit ${code})`}: ${said || "no output"}`,
  };
}

/** Runs one attempt with Gemini CLI. Never rejects for the agent's behaviour. */
export async function runGemini(req: AgentRunRequest): Promise<AgentRunResult> {
  await prepareAttemptFiles(req);
  const text = { stdout: "", stderr: "" };
  const run = await runCli(req, {
    argv: [...programOf(req, GEMINI_SETUP.program), ...geminiArgs(req)],
    input: `${req.prompt.trimEnd()}\n${whereSection(req)}`,
    onLine: (line, stream) => {
      text[stream] += `${line}\n`;
    },
  });
  const prices = req.prices ?? {};
  return geminiOutcome(
    req,
    run,
    parseGeminiJson(text.stdout, prices) ?? parseGeminiJson(text.stderr, prices),
  );
}
