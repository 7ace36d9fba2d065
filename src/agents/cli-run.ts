/**
 * What the agent-CLI runners (claude-code, codex, gemini, aider) share: preparing the attempt's files,
 * spawning the CLI as its own process group with the allowlisted environment and the agent's limits,
 * and writing the transcript — every line through the redactor, so no key reaches `logs/` — while the
 * runner reads the raw lines (JSON events) as they arrive.
 */
import { closeSync, mkdirSync, openSync, realpathSync, writeSync } from "node:fs";
import path from "node:path";
import { prepareAttemptFiles, transcriptHeader } from "./attempt-files.js";
import { agentEnvFor } from "./env.js";
import { type CliSetup, notInstalledReason } from "./failure-class.js";
import { resultFromSpawn } from "./outcome.js";
import { lastLine, type OutputStream } from "./output-capture.js";
import { makeRedactor, type Redactor } from "./redact.js";
import { type SpawnResult, spawnProcess } from "./spawn.js";
import type { AgentRunRequest, AgentRunResult } from "./types.js";

/** One CLI invocation of an attempt. */
export interface CliInvocation {
  /** Program and arguments (no shell). */
  argv: readonly string[];
  /** Text for stdin (the prompt, for CLIs that read it there). */
  input?: string;
  /** Extra variables on top of the allowlisted environment (e.g. telemetry switches). */
  extraEnv?: Readonly<Record<string, string>>;
  /** Called with every raw line of output, per stream, as it arrives. */
  onLine?: (line: string, stream: OutputStream) => void;
}

/** How the invocation ended, with the redactor built from its environment. */
export interface CliRun {
  spawned: SpawnResult;
  redact: Redactor;
  /** The environment the CLI got (for tests and for argv building; never logged). */
  env: Record<string, string>;
}

/**
 * The program an agent file runs for a CLI runner: `command:` when the agent file sets one (its argv is
 * the prefix, e.g. `["npx", "claude"]`), else `[defaultProgram]`.
 */
export function programOf(req: AgentRunRequest, defaultProgram: string): string[] {
  return req.agent.command?.length ? [...req.agent.command] : [defaultProgram];
}

/** `p` with symlinks resolved when it exists (agents' permission rules compare real paths). */
export function realPath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** The environment for the CLI: the request's allowlist plus `FLEET_*`, plus `extraEnv`. */
export function cliEnv(
  req: AgentRunRequest,
  extraEnv: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return { ...agentEnvFor(req), ...extraEnv };
}

/**
 * Runs one CLI invocation for `req`: creates the output folder and prompt file, spawns `inv.argv` in
 * `req.cwd` with the allowlisted environment, `req.agent`'s wall-clock and inactivity limits and
 * `req.signal`, appends a header, every output line (redacted) and a footer to `req.logFile`.
 * Never rejects for the CLI's behaviour; rejects if the attempt files or the log cannot be written.
 */
export async function runCli(req: AgentRunRequest, inv: CliInvocation): Promise<CliRun> {
  await prepareAttemptFiles(req);
  const env = cliEnv(req, inv.extraEnv);
  const redact = makeRedactor(env);
  mkdirSync(path.dirname(req.logFile), { recursive: true });
  const fd = openSync(req.logFile, "a");
  const log = (text: string) => writeSync(fd, text.endsWith("\n") ? text : `${text}\n`);
  try {
    log(`=== ${new Date().toISOString()} ${transcriptHeader(req, redact(JSON.stringify(inv.argv)))}`);
    const spawned = await spawnProcess({
      argv: inv.argv,
      cwd: req.cwd,
      env,
      ...(inv.input !== undefined ? { input: inv.input } : {}),
      timeoutMs: req.agent.timeout,
      idleTimeoutMs: req.agent.idle_timeout,
      signal: req.signal,
      ...(req.killGraceMs !== undefined ? { killGraceMs: req.killGraceMs } : {}),
      ...(req.onSpawn ? { onSpawn: req.onSpawn } : {}),
      sandbox: req.sandbox ?? null,
      onLine: (line, stream) => {
        log(stream === "stderr" ? `[stderr] ${redact(line)}` : redact(line));
        inv.onLine?.(line, stream);
      },
    });
    const how = spawned.spawnError
      ? `not started: ${spawned.spawnError.message}`
      : spawned.exitCode !== null
        ? `exit ${spawned.exitCode}`
        : `killed by ${spawned.signal ?? "a signal"}`;
    log(`=== ${new Date().toISOString()} end: ${how} after ${spawned.durationMs} ms`);
    return { spawned: { ...spawned, tail: redact(spawned.tail) }, redact, env };
  } finally {
    closeSync(fd);
  }
}

/** The last line the CLI printed on either stream (redacted tail), or "". */
export function lastSaid(run: CliRun): string {
  return lastLine(run.spawned.tail);
}

/**
 * A short section appended to every CLI agent's prompt: where it runs and the absolute path of
 * `$FLEET_OUTPUT_DIR` (agents without a shell cannot read the variable), and that nothing else outside
 * the working directory is writable.
 */
export function whereSection(req: AgentRunRequest): string {
  return [
    "",
    "## This run",
    "",
    `- Working directory: ${realPath(req.cwd)}`,
    `- FLEET_OUTPUT_DIR: ${realPath(req.outputDir)}`,
    `- Write answer files (and question.md, if you must ask) into FLEET_OUTPUT_DIR, by its absolute path.`,
    "",
  ].join("\n");
}

/**
 * The part of a CLI runner's result that comes from how its process ended (exit code, timeouts, abort,
 * a missing program), before the runner adds what the CLI's own output said (cost, session, message).
 */
export function baseOutcome(req: AgentRunRequest, run: CliRun, defaultProgram: string): AgentRunResult {
  return resultFromSpawn(run.spawned, {
    agentName: req.agentName,
    program: programOf(req, defaultProgram)[0] ?? defaultProgram,
    cwd: req.cwd,
    timeoutMs: req.agent.timeout,
    idleTimeoutMs: req.agent.idle_timeout,
    signal: req.signal,
  });
}

/**
 * The result when how the process ended decides it alone, before anything the CLI printed: its program
 * is not on the agent's PATH (`blocked`, saying how to install it), it could not start, it was stopped
 * (`aborted`) or it timed out. `fields` is the runner's result so far (from {@link baseOutcome}, with its
 * cost and session). Null when the CLI ran to an exit and its output decides.
 */
export function endedEarly(
  req: AgentRunRequest,
  run: CliRun,
  setup: CliSetup,
  fields: AgentRunResult,
): AgentRunResult | null {
  if (run.spawned.spawnError?.what === "program") {
    const program = programOf(req, setup.program)[0] ?? setup.program;
    return { ...fields, outcome: "blocked", reason: notInstalledReason(setup, req.agentName, program) };
  }
  if (run.spawned.spawnError || fields.outcome === "aborted" || fields.outcome === "timeout") return fields;
  return null;
}
