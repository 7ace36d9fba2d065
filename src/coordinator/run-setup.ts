/**
 * `setup` from config.md (e.g. `npm ci`), run once in every fresh checkout the fleet makes. It is the
 * repository owner's own command line, so it runs through `/bin/sh -c`, like a command gate — before
 * any agent touched the checkout, but on the base's files (a `postinstall` script is the project's), so
 * it runs in the sandbox with the network and {@link SETUP_ENV} of the daemon's environment. It gets its own process
 * group (killed whole on abort or timeout, recorded for crash recovery); its output goes to the run's
 * transcript.
 */
import { spawnProcess } from "../agents/spawn.js";
import type { SandboxSpec } from "../sandbox/index.js";

/** How setup ended: `ok`, or why not (exit code, timeout, stopped). */
export interface SetupResult {
  ok: boolean;
  reason: string | null;
}

/**
 * Variables setup may see from the daemon's environment: it runs the project's install scripts (a
 * `postinstall` of the candidate's), so none of the daemon's secrets.
 */
export const SETUP_ENV = ["PATH", "HOME", "LANG", "LC_ALL", "TZ", "USER", "TMPDIR"] as const;

/** Wall-clock limit of setup, ms. */
export const SETUP_TIMEOUT_MS = 20 * 60_000;

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
    onSpawn?: (pgid: number) => void;
    sandbox?: SandboxSpec | null;
  },
): Promise<SetupResult> {
  const env: Record<string, string> = {};
  for (const name of SETUP_ENV) {
    const value = opts.env[name];
    if (value !== undefined) env[name] = value;
  }
  const r = await spawnProcess({
    shellCommand: command,
    cwd,
    env,
    logFile: opts.logFile,
    logHeader: `setup: ${command} (in ${cwd})`,
    timeoutMs: SETUP_TIMEOUT_MS,
    signal: opts.signal,
    onSpawn: opts.onSpawn,
    sandbox: opts.sandbox ?? null,
  });
  if (r.exitCode === 0 && !r.aborted && !r.timedOut) return { ok: true, reason: null };
  const how = r.aborted
    ? "was stopped"
    : r.timedOut
      ? `timed out after ${SETUP_TIMEOUT_MS / 60_000} min`
      : r.spawnError
        ? `could not start (${r.spawnError.message})`
        : `failed (exit ${r.exitCode ?? r.signal})`;
  return { ok: false, reason: `setup \`${command}\` ${how}` };
}
