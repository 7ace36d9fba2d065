/**
 * `setup` from config.md (e.g. `npm ci`), run once in every fresh checkout the fleet makes. It is the
 * repository owner's own command line, so it runs through a shell with the daemon's environment, like
 * a command gate — and it runs before any agent touched the checkout. It gets its own process group,
 * killed whole on abort or after `timeoutMs`; its output goes to the run's transcript.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";

/** How setup ended: `ok`, or why not (exit code, timeout, stopped). */
export interface SetupResult {
  ok: boolean;
  reason: string | null;
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Runs `command` in `cwd`, appending its output to `logFile`.
 * @returns ok, or the reason it failed; never throws for the command's own failure.
 */
export async function runSetup(
  command: string,
  cwd: string,
  opts: {
    logFile: string;
    env: NodeJS.ProcessEnv;
    signal: AbortSignal;
    timeoutMs?: number;
    onSpawn?: (pgid: number) => void;
  },
): Promise<SetupResult> {
  mkdirSync(path.dirname(opts.logFile), { recursive: true });
  appendFileSync(opts.logFile, `$ ${command}    # setup, in ${cwd}\n`);
  const child = execa(command, {
    shell: true,
    cwd,
    env: opts.env,
    extendEnv: false,
    detached: true,
    stdin: "ignore",
    stdout: { file: opts.logFile, append: true },
    stderr: { file: opts.logFile, append: true },
    reject: false,
  });
  if (child.pid) opts.onSpawn?.(child.pid);
  let why: string | null = null;
  const stop = (reason: string) => {
    why = reason;
    killGroup(child.pid, "SIGTERM");
    setTimeout(() => killGroup(child.pid, "SIGKILL"), 5_000).unref();
  };
  const onAbort = () => stop("setup was stopped");
  opts.signal.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(
    () => stop(`setup timed out after ${Math.round((opts.timeoutMs ?? 0) / 1000)}s`),
    opts.timeoutMs ?? 20 * 60_000,
  );
  try {
    const result = await child;
    killGroup(child.pid, "SIGKILL");
    if (why) return { ok: false, reason: why };
    if (result.exitCode === 0) return { ok: true, reason: null };
    return {
      ok: false,
      reason: `setup \`${command}\` failed (exit ${result.exitCode ?? result.signal ?? "?"})`,
    };
  } finally {
    clearTimeout(timer);
    opts.signal.removeEventListener("abort", onAbort);
  }
}
