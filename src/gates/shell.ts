/**
 * Running a gate's command line. Gate commands come from the repository owner's own config
 * (`.fleet/gates/*.md`, `setup:`, acceptance `run:` lines a person approved), so they go through
 * `/bin/sh -c`; but the code they exercise is the agent's, so each runs through the agents' own
 * `spawnProcess`: its own process group, an allowlisted environment, the whole group killed on timeout,
 * on abort and after the shell exits (a test that leaves a server behind does not outlive its gate),
 * and the output streamed to a log under the git directory.
 */
import { spawnProcess } from "../agents/spawn.js";
import type { SandboxSpec } from "../sandbox/index.js";
import type { GateContext } from "./types.js";

/** Variables a gate process may see from the daemon's environment; nothing else leaks in. */
const PASS_THROUGH = ["PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ", "USER"];

/**
 * The environment of a gate process: the allowlist from `parent`, then `extra`. A daemon's secrets (API
 * keys) never reach the candidate's code, and nothing the project's own tests read (`CI`, `NO_COLOR`,
 * `FORCE_COLOR`) is forced on them: a gate that wants one sets it in its `env:` (docs/gates.md).
 */
export function gateEnv(
  parent: NodeJS.ProcessEnv,
  extra: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of PASS_THROUGH) {
    const value = parent[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...extra };
}

/** What to run. */
export interface ShellOptions {
  /** A shell command line (`sh -c`). */
  command: string;
  cwd: string;
  /** The complete environment (see {@link gateEnv}). */
  env: Record<string, string>;
  /** Wall clock before the whole process group is killed, ms. */
  timeoutMs: number;
  /** Full output is appended here (folders are created). */
  logFile: string;
  /** Aborting kills the process group. */
  signal?: AbortSignal | undefined;
  /** Told the process group id once started (the daemon records it for crash recovery). */
  onSpawn?: ((pgid: number) => void) | undefined;
  /** The sandbox it runs in (the candidate's code runs); null or absent = uncontained. */
  sandbox?: SandboxSpec | null | undefined;
}

/** How a command ended. `exitCode` is null when it was killed by a signal or never started. */
export interface ShellResult {
  exitCode: number | null;
  /** The signal that ended the shell, e.g. `SIGKILL`, or null. */
  signal: string | null;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
  /** The last part of the output (at most {@link TAIL_BYTES} bytes). */
  output: string;
  /** Set when the command could not be started at all (missing working directory, …). */
  spawnError: string | null;
}

/** A started command: `done` resolves once its process group has ended; `stop()` ends it and waits. */
export interface RunningShell {
  done: Promise<ShellResult>;
  stop(): Promise<ShellResult>;
}

/** How much output is kept in memory, bytes. */
export const TAIL_BYTES = 64 * 1024;
/** Between SIGTERM and SIGKILL, ms. */
const KILL_GRACE_MS = 2_000;

/** Starts `opts.command` in its own process group and returns at once. */
export function startShell(opts: ShellOptions): RunningShell {
  const stopper = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stopper.signal]) : stopper.signal;
  const done = spawnProcess({
    shellCommand: opts.command,
    cwd: opts.cwd,
    env: opts.env,
    timeoutMs: opts.timeoutMs,
    signal,
    logFile: opts.logFile,
    logHeader: `$ ${opts.command}`,
    tailBytes: TAIL_BYTES,
    killGraceMs: KILL_GRACE_MS,
    ...(opts.onSpawn ? { onSpawn: opts.onSpawn } : {}),
    sandbox: opts.sandbox ?? null,
  }).then(
    (r): ShellResult => ({
      exitCode: r.exitCode,
      signal: r.signal,
      timedOut: r.timedOut,
      aborted: r.aborted,
      durationMs: r.durationMs,
      output: r.tail,
      spawnError: r.spawnError?.message ?? null,
    }),
    (err: unknown): ShellResult => ({
      exitCode: null,
      signal: null,
      timedOut: false,
      aborted: false,
      durationMs: 0,
      output: "",
      spawnError: (err as Error).message,
    }),
  );
  return {
    done,
    stop: () => {
      stopper.abort();
      return done;
    },
  };
}

/**
 * The options to run `command` for a gate: at the root of the gate's checkout, with the gate
 * environment (plus `extraEnv`), its log, abort signal and process-group report; `timeoutMs` in ms.
 */
export function inCheckout(
  ctx: GateContext,
  command: string,
  timeoutMs: number,
  extraEnv: Record<string, string> = {},
): ShellOptions {
  return {
    command,
    cwd: ctx.checkout.dir,
    env: { ...ctx.env, ...extraEnv },
    timeoutMs,
    logFile: ctx.logFile,
    signal: ctx.signal,
    onSpawn: ctx.onSpawn,
    sandbox: ctx.sandbox,
  };
}

/** True when a command exited 0 on its own: not timed out, not stopped. */
export function succeeded(result: ShellResult): boolean {
  return result.exitCode === 0 && !result.timedOut && !result.aborted;
}

/** Runs `opts.command` to its end. Never rejects: a command that cannot start reports `spawnError`. */
export function runShell(opts: ShellOptions): Promise<ShellResult> {
  return startShell(opts).done;
}

/** The last `maxLines` lines of `text` (at most `maxChars` characters), trimmed of blank edges. */
export function tailLines(text: string, maxLines = 40, maxChars = 4_000): string {
  const lines = text.replace(/\s+$/, "").split(/\r?\n/);
  let out = lines.slice(-maxLines).join("\n");
  if (out.length > maxChars) out = `…${out.slice(-maxChars)}`;
  return out;
}
