/**
 * Delivering one notification to one target: a command (argv, the event as JSON on stdin, a private
 * environment, its process group killed at the timeout), the desktop (`notify-send` on Linux,
 * `osascript` on macOS; the text passed as arguments, never as script), or a webhook (one POST of the
 * JSON, with a `text` field for chat tools). One attempt each: a failure is reported, never retried.
 */
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import path from "node:path";
import type { NotifyTarget } from "../store/schemas/notify.js";

/** What a target receives: the event as JSON. `at` is ISO-8601. */
export interface NotifyPayload {
  event: string;
  at: string;
  repo: string;
  task: { id: string; title: string; phase: string; status: string } | null;
  message: string;
  next: string | null;
  /** The same as `message`, for chat webhooks (Slack, Mattermost, Rocket.Chat read `text`). */
  text: string;
}

/** The only variables a notify command gets (desktop notifiers need the session's display and bus). */
const ENV_ALLOW = [
  "PATH",
  "HOME",
  "LANG",
  "LC_ALL",
  "TMPDIR",
  "DISPLAY",
  "WAYLAND_DISPLAY",
  "DBUS_SESSION_BUS_ADDRESS",
  "XDG_RUNTIME_DIR",
];

function onPath(program: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, program);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}

/** Runs `argv` with `input` on stdin; resolves when it exits, rejects on a non-zero exit, a start failure or the timeout. */
function runArgv(
  argv: readonly string[],
  input: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  const [program, ...args] = argv;
  if (!program) return Promise.reject(new Error("empty command"));
  const childEnv: NodeJS.ProcessEnv = {};
  for (const k of ENV_ALLOW) if (env[k] !== undefined) childEnv[k] = env[k];
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ["pipe", "ignore", "pipe"], detached: true, env: childEnv });
    let stderr = "";
    const kill = (why: string) => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
      reject(new Error(`${program} ${why} and was killed`));
    };
    const timer = setTimeout(() => kill(`did not finish in ${timeoutMs / 1000}s`), timeoutMs);
    const onAbort = () => kill("was still running when the daemon stopped");
    signal.addEventListener("abort", onAbort, { once: true });
    child.stderr.on("data", (c: Buffer) => {
      if (stderr.length < 2000) stderr += c.toString();
    });
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`${program} could not start: ${err.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `${program} exited ${code ?? signal}${stderr.trim() ? `: ${stderr.trim().split("\n").at(-1)}` : ""}`,
          ),
        );
    });
    child.stdin.on("error", () => {}); // a command that does not read stdin is fine
    child.stdin.end(input);
  });
}

/**
 * Sends `payload` to `target`; `signal` aborts it (the command's process group is killed).
 * @throws Error saying what failed (exit code, HTTP status, timeout, no desktop notifier here).
 */
export async function sendNotification(
  target: NotifyTarget,
  payload: NotifyPayload,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  const json = `${JSON.stringify(payload)}\n`;
  if (target.command) return runArgv(target.command, json, env, timeoutMs, signal);
  if (target.url) {
    const res = await fetch(target.url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: json,
      signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), signal]),
      redirect: "error",
    });
    await res.body?.cancel();
    if (!res.ok) throw new Error(`${target.url} answered HTTP ${res.status}`);
    return;
  }
  const title = `fleet: ${payload.event}`;
  if (process.platform === "darwin" && onPath("osascript", env)) {
    const script = [
      "on run argv",
      "display notification (item 2 of argv) with title (item 1 of argv)",
      "end run",
    ];
    return runArgv(
      ["osascript", ...script.flatMap((l) => ["-e", l]), title, payload.message],
      "",
      env,
      timeoutMs,
      signal,
    );
  }
  const notifySend = onPath("notify-send", env);
  if (notifySend)
    return runArgv(
      [notifySend, "--app-name=fleet", "--", title, payload.message],
      "",
      env,
      timeoutMs,
      signal,
    );
  throw new Error(
    "no desktop notifier here (notify-send or osascript); use notify: { command: [...] } or { url: ... }",
  );
}
