/**
 * Telling apart how an agent CLI failed (design.md §6, issue 5): a rate limit or an exhausted quota
 * is not the agent's fault — `try-later`, not an attempt; a missing login or key, or a CLI that is not
 * installed, is a setup problem only a person can fix — `blocked`, with a reason that says exactly what
 * to run; anything else is a `failed` attempt. Pure: the runners pass in what the CLI said.
 */

/** Words the CLIs use for rate limits, quotas and overload (claude, codex, gemini, aider/litellm). */
const TRY_LATER_TEXT =
  /\b429\b|\b529\b|rate.?limit|too many requests|usage limit|hit your (?:usage )?limit|quota|resource.?exhausted|overloaded|high demand|capacity|try again later/i;

/** Words the CLIs use when the key or login is missing or refused. */
const AUTH_TEXT =
  /\b401\b|\b403\b|unauthori[sz]ed|forbidden|invalid (?:x-)?api.?key|incorrect api key|api key not valid|not logged in|please run \/login|log ?in again|authentication(?:_failed| failed| error)|permission.?denied.*api|missing environment variable/i;

/** What a CLI's failure text is about. */
export type FailureKind = "try-later" | "auth" | null;

/** Classifies free text a CLI printed when it failed: `try-later`, `auth`, or null (an ordinary failure). */
export function classifyFailureText(text: string): FailureKind {
  if (AUTH_TEXT.test(text)) return "auth";
  if (TRY_LATER_TEXT.test(text)) return "try-later";
  return null;
}

/** Classifies an HTTP status the API answered with: 429/529/5xx → try-later, 401/403 → auth. */
export function classifyHttpStatus(status: number | null): FailureKind {
  if (status === null) return null;
  if (status === 401 || status === 403) return "auth";
  if (status === 429 || status === 529 || (status >= 500 && status <= 599)) return "try-later";
  return null;
}

/**
 * How long the CLI's text says to wait, in ms, or null: "try again in 7s", "retry after 30 seconds",
 * "in 2 minutes", or Claude's "usage limit reached|<unix seconds>" (needs `nowMs`).
 */
export function retryAfterFromText(text: string, nowMs: number): number | null {
  const epoch = /limit reached\|(\d{9,11})\b/i.exec(text);
  if (epoch?.[1]) return Math.max(0, Number(epoch[1]) * 1000 - nowMs);
  const m =
    /(?:try again|retry|resets?|wait)\D{0,20}?(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|sec(?:ond)?s?|m|min(?:ute)?s?|h|hours?)\b/i.exec(
      text,
    );
  if (!m?.[1] || !m[2]) return null;
  const value = Number(m[1]);
  const unit = m[2].toLowerCase();
  if (unit.startsWith("ms") || unit.startsWith("milli")) return Math.round(value);
  if (unit.startsWith("h")) return Math.round(value * 3_600_000);
  if (unit === "m" || unit.startsWith("min")) return Math.round(value * 60_000);
  return Math.round(value * 1000);
}

/** First wait after a try-later, ms. */
export const BACKOFF_BASE_MS = 60_000;
/** Longest wait between tries, ms. */
export const BACKOFF_MAX_MS = 60 * 60_000;

/**
 * The growing back-off for the `n`-th try-later in a row of one task (n ≥ 1): 1 min, 2, 4, 8 … up to
 * 1 h, never shorter than what the agent asked for (`hintMs`, e.g. a Retry-After).
 * @returns milliseconds to wait before the task may be claimed again.
 */
export function backoffMs(n: number, hintMs: number | null = null): number {
  const step = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, Math.min(30, n - 1)));
  return Math.max(step, hintMs ?? 0);
}

/** Outcomes that say nothing about the API's mood: they neither extend nor end a try-later streak. */
const NEUTRAL = new Set(["interrupted", "lost-claim", "running"]);

/**
 * The back-off after a try-later, given the outcomes of the task's earlier runs (oldest first): the
 * trailing try-laters (skipping interrupted runs) make this the n-th in a row → {@link backoffMs}.
 */
export function backoffAfter(earlierOutcomes: readonly string[], hintMs: number | null = null): number {
  let n = 1;
  for (let i = earlierOutcomes.length - 1; i >= 0; i--) {
    const outcome = earlierOutcomes[i] ?? "";
    if (NEUTRAL.has(outcome)) continue;
    if (outcome !== "try-later") break;
    n += 1;
  }
  return backoffMs(n, hintMs);
}

/** How a CLI is installed and logged into, for `blocked` reasons. */
export interface CliSetup {
  /** The program name, e.g. `claude`. */
  program: string;
  /** The command that installs it, e.g. `npm install -g @anthropic-ai/claude-code`. */
  install: string;
  /** What to do about a refused or missing login, one sentence naming the variable and commands. */
  login: string;
}

/** `blocked` reason for a CLI that is not on the agent's PATH. */
export function notInstalledReason(setup: CliSetup, agentName: string, program: string): string {
  return (
    `${JSON.stringify(program)} was not found on the agent's PATH: install it with \`${setup.install}\`, ` +
    `or set \`command: ["/path/to/${setup.program}"]\` in .fleet/agents/${agentName}.md`
  );
}

/** `blocked` reason for a refused login; `said` is what the CLI printed (already redacted). */
export function notLoggedInReason(setup: CliSetup, said: string): string {
  const quoted = said.trim() ? ` (it said: ${said.trim().slice(0, 200)})` : "";
  return `${setup.program} is not logged in or its API key was refused${quoted}: ${setup.login}`;
}
