import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { gateEnv, runShell, startShell, tailLines } from "../../src/gates/shell.js";
import { tempDir } from "../helpers/temp-repo.js";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
}

describe("runShell", () => {
  it("runs a command line, logs its output and reports the exit code", async () => {
    const dir = tempDir();
    const log = path.join(dir, "logs", "x.log");
    const result = await runShell({
      command: "echo out; echo err >&2; exit 3",
      cwd: dir,
      env: gateEnv(process.env),
      timeoutMs: 30_000,
      logFile: log,
    });
    expect(result.exitCode).toBe(3);
    expect(result.output).toContain("out");
    expect(result.output).toContain("err");
    expect(readFileSync(log, "utf8")).toContain("$ echo out; echo err >&2; exit 3");
  });

  it("passes only the allowlisted environment", async () => {
    const dir = tempDir();
    const env = gateEnv(
      { PATH: process.env.PATH, HOME: dir, ANTHROPIC_API_KEY: "sk-secret" },
      { EXTRA: "1" },
    );
    const result = await runShell({ command: "env", cwd: dir, env, timeoutMs: 30_000, logFile: `${dir}/l` });
    expect(result.output).not.toContain("sk-secret");
    expect(result.output).toContain("EXTRA=1");
    expect(result.output).not.toMatch(/^(CI|NO_COLOR|FORCE_COLOR)=/m);
  });

  it("kills the whole process group on timeout, grandchildren included", async () => {
    const dir = tempDir();
    const result = await runShell({
      command: "sleep 300 & echo $! > child.pid; wait",
      cwd: dir,
      env: gateEnv(process.env),
      timeoutMs: 500,
      logFile: `${dir}/l`,
    });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    const pid = Number(readFileSync(path.join(dir, "child.pid"), "utf8"));
    await waitFor(() => !alive(pid));
    expect(alive(pid)).toBe(false);
  });

  it("kills what a finished command left running", async () => {
    const dir = tempDir();
    const result = await runShell({
      command: "(sleep 300 & echo $! > child.pid); exit 0",
      cwd: dir,
      env: gateEnv(process.env),
      timeoutMs: 30_000,
      logFile: `${dir}/l`,
    });
    expect(result.exitCode).toBe(0);
    await waitFor(() => existsSync(path.join(dir, "child.pid")));
    const pid = Number(readFileSync(path.join(dir, "child.pid"), "utf8"));
    await waitFor(() => !alive(pid));
    expect(alive(pid)).toBe(false);
  });

  it("stops on abort and reports a command that cannot start", async () => {
    const dir = tempDir();
    const controller = new AbortController();
    const running = startShell({
      command: "sleep 300",
      cwd: dir,
      env: gateEnv(process.env),
      timeoutMs: 60_000,
      logFile: `${dir}/l`,
      signal: controller.signal,
    });
    controller.abort();
    const stopped = await running.done;
    expect(stopped.aborted).toBe(true);
    const missing = await runShell({
      command: "true",
      cwd: path.join(dir, "nope"),
      env: gateEnv(process.env),
      timeoutMs: 1_000,
      logFile: `${dir}/l`,
    });
    expect(missing.spawnError).toMatch(/does not exist/);
  });
});

describe("tailLines", () => {
  it("keeps the last lines within the character budget", () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i}`).join("\n");
    expect(tailLines(text, 3)).toBe("line 97\nline 98\nline 99");
    expect(tailLines(text, 100, 10).length).toBeLessThanOrEqual(11);
  });
});
