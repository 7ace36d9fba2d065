/**
 * Running git. Every call is an argument array through node:child_process (never a shell), with `LC_ALL=C` so error
 * text can be recognised, and `--no-optional-locks` on read-only commands so reads never take
 * `index.lock` (git-status(1) "BACKGROUND REFRESH"). We spawn git directly rather than through
 * simple-git because commits need `GIT_INDEX_FILE`, which simple-git strips from git's environment.
 *
 * The daemon's git is hardened ({@link gitEnv}): a minimal environment (none of the daemon's secrets),
 * no system config, no hooks, no fsmonitor and no `ext::` transport, whatever any config file says —
 * so no file an agent could have written makes the coordinator's own git run a program.
 */
import { spawn, spawnSync } from "node:child_process";
import { FleetError } from "../errors.js";

/** Variables of the daemon's environment that git may see: where to find itself and the person's config. */
const GIT_PASS_THROUGH = [
  "PATH",
  "HOME",
  "XDG_CONFIG_HOME",
  "GIT_CONFIG_GLOBAL",
  "TZ",
  "EMAIL",
  "GIT_AUTHOR_NAME",
  "GIT_AUTHOR_EMAIL",
  "GIT_COMMITTER_NAME",
  "GIT_COMMITTER_EMAIL",
];

/**
 * Settings forced on every git the fleet runs, over every config file (git-config(1) `GIT_CONFIG_COUNT`,
 * git ≥ 2.31): hooks point nowhere, no fsmonitor program, no `ext::` remote helper commands.
 */
export const HARDENED_CONFIG: readonly (readonly [string, string])[] = [
  ["core.hooksPath", "/dev/null"],
  ["core.fsmonitor", "false"],
  ["protocol.ext.allow", "never"],
  ["uploadpack.packObjectsHook", ""],
];

/**
 * The environment of one git call: {@link GIT_PASS_THROUGH} from `parent`, `LC_ALL=C`, no terminal
 * prompt, no system config, {@link HARDENED_CONFIG}, then `extra` (e.g. `GIT_INDEX_FILE`).
 */
export function gitEnv(
  extra: Record<string, string> = {},
  parent: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of GIT_PASS_THROUGH) {
    const value = parent[name];
    if (value !== undefined) env[name] = value;
  }
  env.LC_ALL = "C";
  env.GIT_TERMINAL_PROMPT = "0";
  env.GIT_CONFIG_NOSYSTEM = "1";
  env.GIT_CONFIG_COUNT = String(HARDENED_CONFIG.length);
  HARDENED_CONFIG.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return { ...env, ...extra };
}

/** Options of one git call. */
export interface GitOptions {
  /** Working directory (a work tree or the git dir). */
  cwd: string;
  /** Extra environment for git (merged over ours), e.g. `GIT_INDEX_FILE`. */
  env?: Record<string, string>;
  /** Standard input (text, or bytes such as a `fast-import` stream). */
  input?: string | Uint8Array;
  /** Exit codes that are answers, not failures (e.g. 1 for `diff --quiet`). */
  okCodes?: number[];
}

/** What git printed and how it exited. `stdout` is not trimmed. */
export interface GitResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** A git command that failed: the message names the command and carries git's own words. */
export class GitError extends FleetError {
  readonly args: readonly string[];
  readonly stderr: string;
  readonly exitCode: number;
  constructor(args: readonly string[], exitCode: number, stderr: string) {
    const said = stderr.trim().split("\n").slice(-3).join(" ").slice(0, 500);
    super("git", `git ${args.slice(0, 3).join(" ")} failed (exit ${exitCode}): ${said || "no message"}`);
    this.args = args;
    this.stderr = stderr;
    this.exitCode = exitCode;
  }
}

/** The most a git call may print on stdout, bytes; past it git is killed and the call fails. */
const MAX_OUTPUT = 256 * 1024 * 1024;

const READ_ONLY = new Set([
  "status",
  "diff",
  "log",
  "show",
  "rev-parse",
  "ls-files",
  "cat-file",
  "for-each-ref",
]);

/**
 * Runs `git <args>` and returns its output as bytes (for object contents, e.g. `cat-file --batch`).
 * @throws GitError when git exits with a code not in `okCodes` (0 is always ok), or cannot start.
 */
export async function gitBytes(
  args: readonly string[],
  opts: GitOptions,
): Promise<{ stdout: Buffer; stderr: string; exitCode: number }> {
  const full = READ_ONLY.has(args[0] ?? "") ? ["--no-optional-locks", ...args] : [...args];
  // node:child_process, not execa: git is one short process with no children of its own to reap, and
  // importing execa costs ~80 ms of every command's start-up (bench: `fleet idea`).
  const result = await new Promise<{ code: number | null; stdout: Buffer; stderr: string; error?: Error }>(
    (resolve) => {
      const child = spawn("git", full, { cwd: opts.cwd, env: gitEnv(opts.env), stdio: "pipe" });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let size = 0;
      child.stdout.on("data", (b: Buffer) => {
        size += b.length;
        if (size <= MAX_OUTPUT) out.push(b);
        else child.kill("SIGKILL");
      });
      child.stderr.on("data", (b: Buffer) => err.push(b));
      child.on("error", (error) => resolve({ code: null, stdout: Buffer.alloc(0), stderr: "", error }));
      child.on("close", (code) =>
        resolve({
          code: size > MAX_OUTPUT ? -1 : code,
          stdout: Buffer.concat(out),
          stderr: size > MAX_OUTPUT ? `output over ${MAX_OUTPUT} bytes` : Buffer.concat(err).toString("utf8"),
        }),
      );
      // A git that exits before reading all its input (an error) closes the pipe: that is its answer.
      child.stdin.on("error", () => {});
      child.stdin.end(opts.input ?? "");
    },
  );
  if (result.error) {
    throw new FleetError("git", `could not run git: ${result.error.message}`, {
      cause: result.error,
      hint: "Is git installed and on PATH?",
    });
  }
  const exitCode = result.code ?? -1;
  if (exitCode !== 0 && !(opts.okCodes ?? []).includes(exitCode))
    throw new GitError(full, exitCode, result.stderr);
  return { stdout: result.stdout, stderr: result.stderr, exitCode };
}

/**
 * Runs `git <args>` and returns its output.
 * @throws GitError when git exits with a code not in `okCodes` (0 is always ok), or cannot start.
 */
export async function git(args: readonly string[], opts: GitOptions): Promise<GitResult> {
  const r = await gitBytes(args, opts);
  return { stdout: r.stdout.toString("utf8"), stderr: r.stderr, exitCode: r.exitCode };
}

/** `git <args>` trimmed stdout. @throws GitError as {@link git}. */
export async function gitText(args: readonly string[], opts: GitOptions): Promise<string> {
  return (await git(args, opts)).stdout.trim();
}

/**
 * Runs a quick read-only `git <args>` synchronously (node:child_process, no execa), for start-up paths.
 * @throws GitError when git exits with a code not in `okCodes`; FleetError("git") when git cannot start.
 */
export function gitSync(args: readonly string[], opts: Omit<GitOptions, "input">): GitResult {
  const full = ["--no-optional-locks", ...args];
  const result = spawnSync("git", full, {
    cwd: opts.cwd,
    env: gitEnv(opts.env),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) {
    throw new FleetError("git", `could not run git: ${result.error.message}`, {
      cause: result.error,
      hint: "Is git installed and on PATH?",
    });
  }
  const exitCode = result.status ?? -1;
  if (exitCode !== 0 && !(opts.okCodes ?? []).includes(exitCode))
    throw new GitError(full, exitCode, result.stderr);
  return { stdout: result.stdout, stderr: result.stderr, exitCode };
}
