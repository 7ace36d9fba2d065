/**
 * From how a process ended to how an attempt ended (design.md §6): exit 0 finished, 75 try later,
 * anything else failed; a limit hit is a timeout; the AbortSignal is aborted; a program that cannot
 * start is blocked, with a reason that says what to fix. Shared by every runner that spawns a CLI.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Cost } from "../store/schemas/common.js";
import { lastLine } from "./output-capture.js";
import type { SpawnResult } from "./spawn.js";
import type { AgentRunResult } from "./types.js";

/** Exit code meaning "try again later" (EX_TEMPFAIL): usage limit, rate limit. Not an attempt. */
export const EXIT_TRY_LATER = 75;

/** A cost with nothing reported. */
export function noCost(): Cost {
  return { usd: null, input_tokens: null, output_tokens: null };
}

/** A result with the given outcome and reason, and nothing else known. */
export function agentResult(
  outcome: AgentRunResult["outcome"],
  reason: string | null,
  fields: Partial<AgentRunResult> = {},
): AgentRunResult {
  return {
    outcome,
    exitCode: null,
    reason,
    durationMs: 0,
    cost: noCost(),
    sessionId: null,
    retryAfterMs: null,
    finalMessage: null,
    ...fields,
  };
}

/** A duration for people: `450ms`, `30s`, `5m`, `1h30m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  const parts = [h ? `${h}h` : "", m ? `${m}m` : "", rest ? `${rest}s` : ""];
  return parts.join("") || "0s";
}

/** What the outcome mapping needs to know about the attempt. */
export interface OutcomeContext {
  /** The agent's name, for "fix .fleet/agents/<name>.md". */
  agentName: string;
  /** The program as written in the agent file (argv[0]). */
  program: string;
  cwd: string;
  timeoutMs: number;
  idleTimeoutMs: number;
  signal?: AbortSignal;
}

/** Maps a finished {@link SpawnResult} to an {@link AgentRunResult} (cost and session unknown). */
export function resultFromSpawn(r: SpawnResult, ctx: OutcomeContext): AgentRunResult {
  const base = { exitCode: r.exitCode, durationMs: r.durationMs };
  const file = `.fleet/agents/${ctx.agentName}.md`;
  if (r.spawnError) {
    if (r.spawnError.what === "cwd") return agentResult("failed", r.spawnError.message, base);
    return agentResult("blocked", notStartedReason(r.spawnError.code, ctx, file), base);
  }
  if (r.aborted) return agentResult("aborted", `stopped by the coordinator${abortReason(ctx.signal)}`, base);
  if (r.timedOut) {
    const limit = formatDuration(ctx.timeoutMs);
    return agentResult("timeout", `ran longer than its ${limit} wall-clock limit (timeout in ${file})`, base);
  }
  if (r.idledOut) {
    const limit = formatDuration(ctx.idleTimeoutMs);
    return agentResult(
      "timeout",
      `printed nothing for ${limit}, the inactivity limit (idle_timeout in ${file})`,
      base,
    );
  }
  const said = lastLine(r.tail);
  const tail = said ? `: ${said}` : " and printed nothing";
  if (r.exitCode === 0) return agentResult("finished", null, base);
  if (r.exitCode === EXIT_TRY_LATER)
    return agentResult("try-later", `exited with 75 (try later)${tail}`, base);
  if (r.exitCode !== null) return agentResult("failed", `exited with code ${r.exitCode}${tail}`, base);
  return agentResult("failed", `was killed by ${r.signal ?? "a signal"}${tail}`, base);
}

function abortReason(signal: AbortSignal | undefined): string {
  const why: unknown = signal?.reason;
  if (typeof why === "string" && why) return ` (${why})`;
  if (why instanceof Error && why.name !== "AbortError" && why.message) return ` (${why.message})`;
  return "";
}

/** One sentence on why `ctx.program` did not start and what to change. */
function notStartedReason(code: string, ctx: OutcomeContext, file: string): string {
  const prog = JSON.stringify(ctx.program);
  const where = ctx.program.includes("/") ? `relative to ${ctx.cwd}` : "on the agent's PATH";
  const fix = `install it, or fix \`command:\` in ${file}`;
  if (code === "ENOENT") {
    const abs = path.resolve(ctx.cwd, ctx.program);
    if (ctx.program.includes("/") && existsSync(abs)) {
      return `${prog} exists but its interpreter was not found (${shebangOf(abs) || "no #! line"}): fix its first line or ${fix}`;
    }
    return `program ${prog} was not found ${where}: ${fix}`;
  }
  if (code === "EACCES")
    return `program ${prog} is not executable: run \`chmod +x ${ctx.program}\`, or ${fix}`;
  return `program ${prog} could not be started (${code}): ${fix}`;
}

function shebangOf(file: string): string {
  try {
    const first = readFileSync(file, "utf8").slice(0, 200).split("\n")[0] ?? "";
    return first.startsWith("#!") ? first : "";
  } catch {
    return "";
  }
}
