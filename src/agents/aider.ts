/**
 * `runner: aider` — drives aider in its scripting mode: `--message-file` (do that one thing, apply the
 * edits, exit), `--yes-always` (no confirmations), `--no-auto-commits` (the worktree's state is the
 * answer; the fleet commits), `--no-gitignore` (aider must not add `.aider*` to the user's
 * .gitignore), no update checks, no analytics, plain output, `--model`. In research, plan and review
 * the answer files in `$FLEET_OUTPUT_DIR` are created empty and handed over with `--file`, since aider
 * only edits files in its chat. After each reply aider prints
 * `Tokens: 2.1k sent, 450 received. Cost: $0.0065 message, $0.0065 session.` — the runner reads those
 * (tokens are rounded by aider; the session cost is aider's own, from its model price list).
 * Sources: https://aider.chat/docs/scripting.html, aider/coders/base_coder.py (usage report).
 * Not run against the real CLI in our tests (see docs/runners.md).
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { usdFromTokens } from "../lifecycle/cost.js";
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
  notLoggedInReason,
  retryAfterFromText,
} from "./failure-class.js";
import type { AgentRunRequest, AgentRunResult } from "./types.js";

export const AIDER_SETUP: CliSetup = {
  program: "aider",
  install: "python -m pip install aider-install && aider-install",
  login:
    "set the provider's key (ANTHROPIC_API_KEY, OPENAI_API_KEY, …) in the daemon's environment and list it " +
    "under `env:` in the agent file",
};

/** The files each phase's answer goes into, relative to `$FLEET_OUTPUT_DIR`. */
export const AIDER_ANSWER_FILES: Record<AgentRunRequest["phase"], string[]> = {
  research: ["research.md"],
  plan: ["plan.md", "acceptance.md"],
  review: ["review.md"],
  implement: [],
  ship: [],
};

/** The arguments after the program for one attempt, given the file holding the message. */
export function aiderArgs(req: AgentRunRequest, messageFile: string): string[] {
  const args = [
    "--message-file",
    messageFile,
    "--yes-always",
    "--no-auto-commits",
    "--no-gitignore",
    "--no-check-update",
    "--no-show-release-notes",
    "--analytics-disable",
    "--no-pretty",
    "--no-fancy-input",
  ];
  if (req.agent.model) args.push("--model", req.agent.model);
  const out = realPath(req.outputDir);
  for (const file of AIDER_ANSWER_FILES[req.phase]) args.push("--file", path.join(out, file));
  return args;
}

/** Aider's abbreviated counts: `450`, `2.1k`, `12k`, `1.5M`. */
function parseCount(text: string): number {
  const m = /^([\d.]+)\s*([kKmM]?)$/.exec(text.trim());
  if (!m?.[1]) return 0;
  const n = Number(m[1]);
  const unit = (m[2] ?? "").toLowerCase();
  return Math.round(unit === "k" ? n * 1e3 : unit === "m" ? n * 1e6 : n);
}

/** Tokens and the session cost from aider's usage lines; null fields when it printed none. */
export interface AiderUsage {
  inputTokens: number | null;
  outputTokens: number | null;
  /** The last `$… session.` figure (aider's running total), or null. */
  sessionUsd: number | null;
}

/** Reads every `Tokens: … sent, … received.` line (summed) and the last `Cost: … session.` figure. */
export function parseAiderUsage(output: string): AiderUsage {
  const usage: AiderUsage = { inputTokens: null, outputTokens: null, sessionUsd: null };
  for (const m of output.matchAll(
    /Tokens: ([\d.]+[kKmM]?) sent(?:, [^,]*? cache (?:write|hit))*, ([\d.]+[kKmM]?) received\./g,
  )) {
    usage.inputTokens = (usage.inputTokens ?? 0) + parseCount(m[1] ?? "0");
    usage.outputTokens = (usage.outputTokens ?? 0) + parseCount(m[2] ?? "0");
  }
  for (const m of output.matchAll(/Cost: \$([\d.]+) message, \$([\d.]+) session\./g)) {
    usage.sessionUsd = Number(m[2]);
  }
  return usage;
}

/** Maps how aider ended and what it printed to a runner result. */
export function aiderOutcome(req: AgentRunRequest, run: CliRun, output: string): AgentRunResult {
  const base = baseOutcome(req, run, AIDER_SETUP.program);
  const usage = parseAiderUsage(output);
  const tokens = { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens };
  const usd = usage.sessionUsd ?? usdFromTokens(req.prices ?? {}, req.agent.model, tokens);
  const fields = { ...base, cost: { usd, ...tokens } };
  const early = endedEarly(req, run, AIDER_SETUP, fields);
  if (early) return early;
  const errorLine =
    output
      .split("\n")
      .reverse()
      .find((l) => /litellm\.\w+Error|Error:|error:/i.test(l)) ?? "";
  const said = run.redact(errorLine || lastSaid(run));
  const kind = /AuthenticationError/.test(errorLine)
    ? "auth"
    : /RateLimitError|ServiceUnavailable|Overloaded/i.test(errorLine)
      ? "try-later"
      : errorLine
        ? classifyFailureText(errorLine)
        : null;
  if (kind === "auth") return { ...fields, outcome: "blocked", reason: notLoggedInReason(AIDER_SETUP, said) };
  if (kind === "try-later") {
    return {
      ...fields,
      outcome: "try-later",
      reason: `the model API asked to try later (rate limit, quota or overload): ${said}`,
      retryAfterMs: retryAfterFromText(said, Date.now()),
    };
  }
  if (run.spawned.exitCode === 0) return { ...fields, outcome: "finished", reason: null };
  return {
    ...fields,
    outcome: "failed",
    reason: `aider failed (exit ${run.spawned.exitCode ?? "?"}): ${said || "no output"}`,
  };
}

/** Runs one attempt with aider. Never rejects for the agent's behaviour. */
export async function runAider(req: AgentRunRequest): Promise<AgentRunResult> {
  await prepareAttemptFiles(req);
  const out = realPath(req.outputDir);
  for (const file of AIDER_ANSWER_FILES[req.phase]) await writeFile(path.join(out, file), "", { flag: "a" });
  const messageFile = path.join(path.dirname(req.promptFile), "aider-message.md");
  await writeFile(messageFile, `${req.prompt.trimEnd()}\n${whereSection(req)}`, { mode: 0o600 });
  let output = "";
  const run = await runCli(req, {
    argv: [...programOf(req, AIDER_SETUP.program), ...aiderArgs(req, messageFile)],
    onLine: (line) => {
      output += `${line}\n`;
    },
  });
  return aiderOutcome(req, run, output);
}
