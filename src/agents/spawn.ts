/**
 * Runs one program as its own process group, for agents and gates alike: explicit environment, stdin
 * text, a wall-clock and an inactivity limit, an AbortSignal, and the transcript streamed to a log.
 *
 * Whatever ends the run (the program exiting, a limit, the signal), the rest of its process group is
 * ended too — SIGTERM, then SIGKILL after a grace period — so no child is left behind, and the promise
 * resolves even when a grandchild that escaped the group still holds the output pipes (execa waits for
 * the pipes to close; we stop waiting shortly after the group is gone). See dependencies.md on execa 9.
 */
import { statSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { ResultPromise } from "execa";
import { bwrapArgs, exposedFolders, findOnPath, programFolders, type SandboxSpec } from "../sandbox/index.js";
import { type CaptureOptions, OutputCapture } from "./output-capture.js";
import { DEFAULT_KILL_GRACE_MS, isProcessGroupAlive, killProcessGroup } from "./process-group.js";

/** What to run and how. Exactly one of `argv` (no shell) or `shellCommand` (`/bin/sh -c`). */
export interface SpawnOptions extends CaptureOptions {
  /** Program and arguments; the program is found on `env.PATH`, or relative to `cwd` when it has a `/`. */
  argv?: readonly string[];
  /** A command line run by `/bin/sh -c` — only for the repository owner's own config (gates), never agents. */
  shellCommand?: string;
  /** Working directory (must exist). */
  cwd: string;
  /** The complete environment; nothing of this process's environment is added. */
  env: Readonly<Record<string, string>>;
  /** Written to stdin, which is then closed. Without it stdin is `/dev/null`. */
  input?: string;
  /** Wall-clock limit, ms; 0 or undefined = none. */
  timeoutMs?: number;
  /** Inactivity limit, ms: no stdout/stderr output for this long ends the run; 0 or undefined = none. */
  idleTimeoutMs?: number;
  /** Aborting it ends the run (shutdown, lost claim). */
  signal?: AbortSignal;
  /** Time between SIGTERM and SIGKILL, ms (default 5 000). */
  killGraceMs?: number;
  /** After the group is gone, how long to wait for pipes held by escaped processes, ms (default 1 000). */
  drainMs?: number;
  /** First line written to the log (a timestamp is prepended); defaults to the command. */
  logHeader?: string;
  /** Called once with the pid (= process group id) right after the program started. */
  onSpawn?: (pgid: number) => void;
  /**
   * Run inside this sandbox (bwrap, see src/sandbox); null or absent = uncontained. The program is
   * looked up on `env.PATH` (or relative to `cwd`) before the sandbox starts, so a missing one is a
   * `spawnError` as without it; inside, HOME is the sandbox's and TMPDIR is `/tmp`.
   */
  sandbox?: SandboxSpec | null;
}

/** Why the program could not be started at all. */
export interface SpawnFailure {
  /** `ENOENT` (program or cwd missing), `EACCES` (not executable), … */
  code: string;
  /** What was missing: the program, or the working directory. */
  what: "program" | "cwd";
  message: string;
}

/** How a run ended. At most one of `timedOut`, `idledOut`, `aborted` is true: what stopped it. */
export interface SpawnResult {
  /** Exit code, or null when killed by a signal or never started. */
  exitCode: number | null;
  /** The signal that ended the program (`SIGTERM`, `SIGKILL`, …), or null. */
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  idledOut: boolean;
  aborted: boolean;
  /** Set when the program never started. */
  spawnError: SpawnFailure | null;
  /** The process group id (= pid), or null when it never started. */
  pgid: number | null;
  /** Wall time from start to the end of the whole group, ms. */
  durationMs: number;
  /** The last `tailBytes` of stdout and stderr, interleaved as they arrived. */
  tail: string;
}

type Stop = "timeout" | "idle" | "abort";

/**
 * Starts the program and resolves when it and its process group have ended. Never rejects for the
 * program's behaviour (failures are in the result). Rejects if the log file cannot be opened, or —
 * after the group has been stopped — with the error an `onSpawn`/`onOutput`/`onLine` callback threw.
 */
export async function spawnProcess(opts: SpawnOptions): Promise<SpawnResult> {
  const started = performance.now();
  const [program, ...programArgs] = commandOf(opts);
  const capture = new OutputCapture(opts);
  const graceMs = opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  capture.note(`=== ${new Date().toISOString()} ${opts.logHeader ?? describeCommand(opts)}`);
  const result = (fields: Partial<SpawnResult>): SpawnResult => {
    const r: SpawnResult = {
      exitCode: null,
      signal: null,
      timedOut: false,
      idledOut: false,
      aborted: false,
      spawnError: null,
      pgid: null,
      ...fields,
      durationMs: Math.round(performance.now() - started),
      tail: capture.tail(),
    };
    capture.note(`=== ${new Date().toISOString()} ${describeEnd(r)}`);
    capture.close();
    return r;
  };

  // Imported here, not at the top: commands that never spawn (fleet ls) should not pay for loading execa.
  const { execa } = await import("execa");
  if (opts.signal?.aborted) return result({ aborted: true });
  if (!isDirectory(opts.cwd)) {
    const message = `working directory ${opts.cwd} does not exist`;
    return result({ spawnError: { code: "ENOENT", what: "cwd", message } });
  }

  const contained = opts.sandbox ? sandboxed(opts.sandbox, program, programArgs, opts) : null;
  if (contained && "code" in contained) return result({ spawnError: contained });
  const [file = program, ...args] = contained ? contained.argv : [program, ...programArgs];
  const child = execa(file, args, {
    cwd: opts.cwd,
    env: contained ? contained.env : { ...opts.env },
    extendEnv: false,
    detached: true,
    cleanup: false,
    reject: false,
    buffer: false,
    stdin: opts.input === undefined ? "ignore" : "pipe",
    stdout: "pipe",
    stderr: "pipe",
  });
  const pgid = child.pid;
  if (pgid === undefined) {
    const failed = await child;
    const code = typeof failed.code === "string" ? failed.code : "ESPAWN";
    const message = `cannot start ${JSON.stringify(program)}: ${failed.originalMessage ?? failed.message}`;
    return result({ spawnError: { code, what: "program", message } });
  }
  const state: { stopped: Stop | null; killing: Promise<unknown> | null; thrown: unknown[] } = {
    stopped: null,
    killing: null,
    thrown: [],
  };
  // A throwing callback of ours must not leave the group running: stop it, rethrow once it is gone.
  const guard = (fn: () => void) => {
    try {
      fn();
    } catch (err) {
      state.thrown.push(err);
      stop("abort");
    }
  };
  const stop = (why: Stop) => {
    if (state.stopped) return;
    state.stopped = why;
    capture.note(`=== ${new Date().toISOString()} stopping process group ${pgid}: ${why}`);
    state.killing = killProcessGroup(pgid, { graceMs });
  };
  const wall = opts.timeoutMs ? setTimeout(() => stop("timeout"), opts.timeoutMs) : undefined;
  const idle = opts.idleTimeoutMs ? setTimeout(() => stop("idle"), opts.idleTimeoutMs) : undefined;
  const onAbort = () => stop("abort");
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  guard(() => opts.onSpawn?.(pgid));

  const onData = (stream: "stdout" | "stderr") => (chunk: Buffer) => {
    idle?.refresh();
    guard(() => capture.write(chunk, stream));
  };
  child.stdout?.on("data", onData("stdout"));
  child.stderr?.on("data", onData("stderr"));
  if (child.stdin) {
    child.stdin.on("error", () => {}); // EPIPE when the program does not read its input
    child.stdin.end(opts.input);
  }

  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  clearTimeout(wall);
  clearTimeout(idle);
  opts.signal?.removeEventListener("abort", onAbort);

  // The leader is gone; whatever else is left in its group is a leftover and goes too.
  if (state.killing) await state.killing;
  if (isProcessGroupAlive(pgid)) await killProcessGroup(pgid, { graceMs });
  await waitForPipes(child, opts.drainMs ?? 1_000);

  const reason = state.stopped;
  const ended = result({
    exitCode: exit.code,
    signal: exit.signal,
    timedOut: reason === "timeout",
    idledOut: reason === "idle",
    aborted: reason === "abort",
    pgid,
  });
  if (state.thrown.length) throw state.thrown[0];
  return ended;
}

/** Waits up to `ms` for stdout/stderr to close, then cuts them (an escaped grandchild may hold them). */
async function waitForPipes(child: ResultPromise, ms: number): Promise<void> {
  const settled = child.then(
    () => true,
    () => true,
  );
  const inTime = await Promise.race([settled, sleep(ms, false)]);
  if (inTime) return;
  child.stdout?.destroy();
  child.stderr?.destroy();
  await Promise.race([settled, sleep(ms)]);
}

/**
 * The bwrap argv and environment that run `program args` inside `spec`, or why it cannot start: the
 * program must be found on the host first (on `env.PATH`, or relative to `cwd`), since bwrap's own
 * "execvp failed" would look like the program's exit 1.
 */
function sandboxed(
  spec: SandboxSpec,
  program: string,
  args: readonly string[],
  opts: SpawnOptions,
): { argv: string[]; env: Record<string, string> } | SpawnFailure {
  const wanted = program.includes("/") ? path.resolve(opts.cwd, program) : program;
  const found = findOnPath(wanted, opts.env.PATH ?? "");
  if (!found) {
    const message = `cannot start ${JSON.stringify(program)}: not found${program.includes("/") ? "" : " on PATH"} (or not executable)`;
    return { code: "ENOENT", what: "program", message };
  }
  const env: Record<string, string> = { ...opts.env, HOME: spec.home.path };
  if (env.TMPDIR !== undefined) env.TMPDIR = "/tmp";
  // This process's own PATH may name more than the clone's policy saw (the project's node_modules/.bin).
  const shown = new Set(spec.readOnly.map((r) => r.target));
  // And the program itself may live where the sandbox hides (an agent CLI in a clone under /tmp).
  const more = [
    ...exposedFolders(opts.env.PATH ?? "", spec.hidden.dirs),
    ...programFolders(found, spec.hidden.dirs),
  ].filter((e) => {
    if (shown.has(e.target)) return false;
    shown.add(e.target);
    return true;
  });
  const full = more.length ? { ...spec, readOnly: [...spec.readOnly, ...more] } : spec;
  return { argv: [spec.bwrap, ...bwrapArgs(full, opts.cwd), "--", found, ...args], env };
}

function commandOf(opts: SpawnOptions): [string, ...string[]] {
  if (opts.shellCommand !== undefined && opts.argv !== undefined) {
    throw new TypeError("spawnProcess: give either argv or shellCommand, not both");
  }
  if (opts.shellCommand !== undefined) return ["/bin/sh", "-c", opts.shellCommand];
  const [program, ...rest] = opts.argv ?? [];
  if (!program) throw new TypeError("spawnProcess: argv must name a program");
  return [program, ...rest];
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** The command as one readable line for logs: `sh -c '…'` or the JSON argv. */
export function describeCommand(
  opts: Pick<SpawnOptions, "argv" | "shellCommand" | "cwd" | "sandbox">,
): string {
  const what =
    opts.shellCommand !== undefined
      ? `sh -c ${JSON.stringify(opts.shellCommand)}`
      : JSON.stringify(opts.argv);
  return `start ${what} in ${opts.cwd}${"sandbox" in opts && opts.sandbox ? ` (sandbox: bwrap, network ${opts.sandbox.network})` : ""}`;
}

function describeEnd(r: SpawnResult): string {
  const how = r.spawnError
    ? `not started: ${r.spawnError.message}`
    : r.exitCode !== null
      ? `exit ${r.exitCode}`
      : r.signal
        ? `killed by ${r.signal}`
        : "not started";
  const why = r.timedOut
    ? " (wall-clock timeout)"
    : r.idledOut
      ? " (inactivity timeout)"
      : r.aborted
        ? " (aborted)"
        : "";
  return `end: ${how}${why} after ${r.durationMs} ms`;
}
