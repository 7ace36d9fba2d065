/**
 * `runner: claude-code` — drives the real Claude Code CLI non-interactively: `claude -p` with the
 * prompt on stdin, `--output-format stream-json --verbose`, `--model`, `--max-turns`,
 * `--max-budget-usd` (per-attempt budget), `--resume <session>` on an implement retry, and a permission
 * policy per phase in `dontAsk` mode (anything not allowed is refused, never asked):
 *
 * - research, plan, review: tools Read, Glob, Grep, Write, Edit. Reads inside the checkout are allowed
 *   (Claude Code's default for the working directory); writing is allowed only under
 *   `$FLEET_OUTPUT_DIR` and denied in the checkout. No Bash, no web.
 * - implement: the same plus Bash; editing anywhere in the worktree and in `$FLEET_OUTPUT_DIR`.
 *
 * Rules go in through `--settings` as JSON (paths may contain spaces), as `Edit(//abs/path/**)` —
 * Claude Code checks every file-writing tool against `Edit` rules, and `//` anchors at the filesystem
 * root (https://code.claude.com/docs/en/permissions). Never `--dangerously-skip-permissions` (refused as
 * root, and not what a fleet wants). Cost, tokens and session id come from the stream's `result` event.
 */

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
  type FailureKind,
  notLoggedInReason,
  retryAfterFromText,
} from "./failure-class.js";
import { type ClaudeStreamSummary, emptyClaudeSummary, readClaudeLine } from "./stream-json.js";
import type { AgentRunRequest, AgentRunResult } from "./types.js";

export const CLAUDE_SETUP: CliSetup = {
  program: "claude",
  install: "npm install -g @anthropic-ai/claude-code",
  login:
    "set ANTHROPIC_API_KEY in the daemon's environment and list it under `env:` in the agent file, " +
    "or run `claude auth login` as the user the daemon runs as",
};

/** Variables that keep the CLI from phoning home or updating itself mid-run. */
export const CLAUDE_QUIET_ENV: Readonly<Record<string, string>> = {
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
  DISABLE_TELEMETRY: "1",
  DISABLE_AUTOUPDATER: "1",
  DISABLE_ERROR_REPORTING: "1",
};

/** Tools and permission rules of one phase. */
export interface ClaudePolicy {
  tools: string[];
  allow: string[];
  deny: string[];
}

/** A path as a permission-rule pattern for everything below it: `//abs/path/**`, glob characters escaped. */
export function rulePath(abs: string): string {
  const escaped = abs.replace(/[\\*?[\]!#]/g, (c) => `\\${c}`);
  return `/${escaped.startsWith("/") ? escaped : `/${escaped}`}/**`;
}

/** The tools and rules for `phase`, with `cwd` and `outputDir` as real absolute paths. */
export function claudePolicy(phase: AgentRunRequest["phase"], cwd: string, outputDir: string): ClaudePolicy {
  const out = rulePath(outputDir);
  const here = rulePath(cwd);
  if (phase === "implement" || phase === "ship") {
    return {
      tools: ["Read", "Glob", "Grep", "Write", "Edit", "Bash"],
      allow: [`Edit(${here})`, `Read(${out})`, `Edit(${out})`, "Bash"],
      deny: [],
    };
  }
  return {
    tools: ["Read", "Glob", "Grep", "Write", "Edit"],
    allow: [`Read(${out})`, `Edit(${out})`],
    deny: [`Edit(${here})`],
  };
}

/** The arguments after the program for one attempt (no prompt: it goes on stdin). */
export function claudeArgs(req: AgentRunRequest, resume: string | null = null): string[] {
  const policy = claudePolicy(req.phase, realPath(req.cwd), realPath(req.outputDir));
  const args = ["-p", "--output-format", "stream-json", "--verbose"];
  if (req.agent.model) args.push("--model", req.agent.model);
  if (req.agent.max_turns) args.push("--max-turns", String(req.agent.max_turns));
  if (req.maxBudgetUsd) args.push("--max-budget-usd", String(req.maxBudgetUsd));
  args.push("--permission-mode", "dontAsk", "--tools", policy.tools.join(","));
  args.push("--settings", JSON.stringify({ permissions: { allow: policy.allow, deny: policy.deny } }));
  if (resume) args.push("--resume", resume);
  return args;
}

/** What kind of failure the summary shows: the HTTP status first, then the CLI's error kind, then text. */
function failureKind(s: ClaudeStreamSummary, text: string): FailureKind {
  const byStatus = classifyHttpStatus(s.apiErrorStatus);
  if (byStatus) return byStatus;
  if (s.errorKind === "rate_limit" || s.errorKind === "server_error" || s.errorKind === "overloaded") {
    return "try-later";
  }
  if (s.errorKind === "authentication_failed" || s.errorKind === "billing_error") return "auth";
  return classifyFailureText(text);
}

/** Maps how the CLI ended and what its stream said to a runner result. Pure but for the clock. */
export function claudeOutcome(req: AgentRunRequest, run: CliRun, s: ClaudeStreamSummary): AgentRunResult {
  const base = baseOutcome(req, run, CLAUDE_SETUP.program);
  const fields = {
    ...base,
    cost: { usd: s.costUsd, input_tokens: s.inputTokens, output_tokens: s.outputTokens },
    sessionId: s.sessionId,
    finalMessage: s.resultText === null ? null : run.redact(s.resultText),
  };
  const early = endedEarly(req, run, CLAUDE_SETUP, fields);
  if (early) return early;
  if (s.sawResult && !s.isError && run.spawned.exitCode === 0) {
    return { ...fields, outcome: "finished", reason: null };
  }
  if (s.subtype === "error_max_turns") {
    const n = req.agent.max_turns ?? s.numTurns;
    return {
      ...fields,
      outcome: "failed",
      reason: `stopped at its turn limit (${n} turns; max_turns in .fleet/agents/${req.agentName}.md) before finishing`,
    };
  }
  if (s.subtype === "error_max_budget_usd") {
    return {
      ...fields,
      outcome: "failed",
      reason: `stopped at the per-attempt budget of $${req.maxBudgetUsd ?? "?"} (budgets.per_attempt_usd in .fleet/config.md)`,
    };
  }
  const said = run.redact(s.resultText ?? s.plainLines.at(-1) ?? lastSaid(run));
  const kind = failureKind(s, `${said}\n${run.spawned.tail}`);
  if (kind === "auth")
    return { ...fields, outcome: "blocked", reason: notLoggedInReason(CLAUDE_SETUP, said) };
  if (kind === "try-later") {
    const wait = retryAfterFromText(said, Date.now());
    return {
      ...fields,
      outcome: "try-later",
      reason: `the model API asked to try later (rate limit, quota or overload): ${said || "no detail"}`,
      retryAfterMs: wait,
    };
  }
  if (!s.sawResult && run.spawned.exitCode === 0) return { ...fields, outcome: "finished", reason: null };
  const code = run.spawned.exitCode === null ? "" : ` (exit ${run.spawned.exitCode})`;
  return { ...fields, outcome: "failed", reason: `claude failed${code}: ${said || "no output"}` };
}

function isMissingSession(s: ClaudeStreamSummary, run: CliRun): boolean {
  const text = [...s.plainLines, s.resultText ?? "", run.spawned.tail].join("\n");
  return s.numTurns === 0 && /no conversation found/i.test(text);
}

/**
 * Runs one attempt with the real `claude` CLI (see the module comment for flags and permissions).
 * On an implement retry with `req.resumeSession`, resumes that session (the agent keeps its context and
 * gets the new prompt with the gates' feedback); if the session is gone, starts fresh.
 * Never rejects for the agent's behaviour.
 */
export async function runClaudeCode(req: AgentRunRequest): Promise<AgentRunResult> {
  await prepareAttemptFiles(req);
  const prefix = programOf(req, CLAUDE_SETUP.program);
  const input = `${req.prompt.trimEnd()}\n${whereSection(req)}`;
  const attempt = async (resume: string | null) => {
    const summary = emptyClaudeSummary();
    const run = await runCli(req, {
      argv: [...prefix, ...claudeArgs(req, resume)],
      input,
      extraEnv: CLAUDE_QUIET_ENV,
      onLine: (line, stream) => {
        if (stream === "stdout") readClaudeLine(summary, line);
        else if (line.trim()) summary.plainLines.push(line.trim());
      },
    });
    return { run, summary };
  };
  const resume = req.phase === "implement" && req.resumeSession ? req.resumeSession : null;
  let { run, summary } = await attempt(resume);
  if (resume && isMissingSession(summary, run) && !req.signal.aborted) {
    const first = run.spawned.durationMs;
    ({ run, summary } = await attempt(null));
    run.spawned.durationMs += first;
  }
  return claudeOutcome(req, run, summary);
}
