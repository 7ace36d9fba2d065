/**
 * Running a gate's command line. Gate commands come from the repository owner's own config
 * (`.fleet/gates/*.md`, `setup:`, acceptance `run:` lines a person approved), so they go through
 * `/bin/sh -c`; but the code they exercise is the agent's, so every process starts in its own process
 * group with an allowlisted environment, and the whole group is killed on timeout, on abort and after
 * the shell exits (a test that leaves a server behind does not outlive its gate). Output (stdout and
 * stderr interleaved) is appended to a log file and its tail kept in memory.
 *
 * We wait for the shell's `exit`, not for its pipes to close: a grandchild that escaped the group can
 * hold them open for ever (dependencies.md, execa).
 */
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import path from "node:path";

/** Variables a gate process may see from the daemon's environment; nothing else leaks in. */
const PASS_THROUGH = ["PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ", "USER"];

/**
 * The environment of a gate process: the allowlist from `parent`, then `CI=1` and no colour, then `extra`.
 * A daemon's secrets (API keys) never reach the candidate's code.
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
  env.CI = "1";
  env.NO_COLOR = "1";
  env.FORCE_COLOR = "0";
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
}

/** How a command ended. `exitCode` is null when it was killed by a signal. */
export interface ShellResult {
  exitCode: number | null;
  /** The signal that ended the shell, e.g. `SIGKILL`, or null. */
  signal: string | null;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
  /** The last part of the output (at most {@link TAIL_BYTES} bytes). */
  output: string;
  /** Set when the command could not be started at all (ENOENT cwd, …). */
  spawnError: string | null;
}

/** A started command: `done` resolves once the shell has exited; `stop()` kills the group and waits. */
export interface RunningShell {
  pid: number | undefined;
  done: Promise<ShellResult>;
  /** The output so far (its tail). */
  output(): string;
  stop(): Promise<ShellResult>;
}

/** How much output is kept in memory, bytes. */
export const TAIL_BYTES = 64 * 1024;
/** Between SIGTERM and SIGKILL, ms. */
const KILL_GRACE_MS = 2_000;

/** Sends `sig` to the process group led by `pid`; a group already gone is not an error. */
export function killGroup(pid: number | undefined, sig: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, sig);
  } catch {
    // ESRCH: the group has no members left.
  }
}

/**
 * Starts `opts.command` in its own process group and returns at once. The group is killed (SIGTERM,
 * then SIGKILL after 2 s) when the timeout passes, the signal aborts or `stop()` is called, and
 * SIGKILLed once the shell has exited.
 */
export function startShell(opts: ShellOptions): RunningShell {
  mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const log = openSync(opts.logFile, "a");
  writeSync(log, `$ ${opts.command}\n`);
  const started = Date.now();
  let tail = "";
  let timedOut = false;
  let aborted = false;
  const append = (chunk: Buffer) => {
    try {
      writeSync(log, chunk);
    } catch {
      // The log is best effort; the tail still goes into the run record.
    }
    tail = (tail + chunk.toString("utf8")).slice(-TAIL_BYTES);
  };

  const child = spawn("/bin/sh", ["-c", opts.command], {
    cwd: opts.cwd,
    env: opts.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", append);
  child.stderr.on("data", append);

  let killTimer: NodeJS.Timeout | undefined;
  const terminate = () => {
    killGroup(child.pid, "SIGTERM");
    killTimer ??= setTimeout(() => killGroup(child.pid, "SIGKILL"), KILL_GRACE_MS);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    terminate();
  }, opts.timeoutMs);
  const onAbort = () => {
    aborted = true;
    terminate();
  };
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener("abort", onAbort, { once: true });

  const done = new Promise<ShellResult>((resolve) => {
    let settled = false;
    const finish = (exitCode: number | null, signal: string | null, spawnError: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      opts.signal?.removeEventListener("abort", onAbort);
      killGroup(child.pid, "SIGKILL");
      // Give the pipes a moment to drain, but never wait on a process that escaped the group.
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        const note = timedOut
          ? `\n[fleet] killed after the ${opts.timeoutMs} ms timeout\n`
          : aborted
            ? "\n[fleet] stopped\n"
            : "";
        if (note) append(Buffer.from(note));
        if (spawnError) append(Buffer.from(`[fleet] could not start: ${spawnError}\n`));
        try {
          writeSync(log, `[fleet] exit ${exitCode ?? signal}\n`);
        } catch {}
        closeSync(log);
        resolve({
          exitCode,
          signal,
          timedOut,
          aborted,
          durationMs: Date.now() - started,
          output: tail,
          spawnError,
        });
      }, 50);
    };
    child.on("exit", (code, sig) => finish(code, sig, null));
    child.on("error", (err) => finish(null, null, err.message));
  });

  return {
    pid: child.pid,
    done,
    output: () => tail,
    stop: () => {
      aborted = true;
      terminate();
      return done;
    },
  };
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
