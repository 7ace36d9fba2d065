import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isProcessGroupAlive } from "../../src/agents/process-group.js";
import { spawnProcess } from "../../src/agents/spawn.js";
import { tempDir } from "../helpers/temp-repo.js";
import { isRunning, killQuietly, printedPids } from "./proc-helpers.js";

const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: "/nonexistent" };
const leftovers: number[] = [];
afterEach(() => killQuietly(leftovers.splice(0)));

/** A shell script that starts two background sleepers, prints their pids, then waits silently. */
const HUNG_WITH_CHILDREN = "sleep 1000 & echo pid=$!; sh -c 'sleep 1000' & echo pid=$!; wait";

describe("spawnProcess", () => {
  it("passes exactly the given environment, stdin and cwd", async () => {
    const cwd = tempDir();
    const r = await spawnProcess({
      argv: ["sh", "-c", 'env; echo "cwd=$(pwd)"; echo "in=$(cat)"'],
      cwd,
      env: { ...env, ONLY_THIS: "yes" },
      input: "the prompt",
    });
    expect(r.exitCode).toBe(0);
    const vars = r.tail
      .split("\n")
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => l.slice(0, l.indexOf("=")));
    // sh itself adds PWD (and may add SHLVL, _); nothing from the test runner's environment comes through.
    expect(vars.filter((v) => !["PWD", "SHLVL", "_", "OLDPWD"].includes(v)).sort()).toEqual([
      "HOME",
      "ONLY_THIS",
      "PATH",
    ]);
    expect(r.tail).toContain(`cwd=${cwd}`);
    expect(r.tail).toContain("in=the prompt");
  });

  it("kills a silent program and all its children on the inactivity timeout", async () => {
    const r = await spawnProcess({
      argv: ["sh", "-c", HUNG_WITH_CHILDREN],
      cwd: tempDir(),
      env,
      idleTimeoutMs: 1_000,
      killGraceMs: 2_000,
    });
    const pids = printedPids(r.tail);
    leftovers.push(...pids);
    expect(r.idledOut).toBe(true);
    expect(r.timedOut || r.aborted).toBe(false);
    expect(r.exitCode).toBeNull();
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(isRunning(pid)).toBe(false);
  });

  it("kills a chatty program on the wall-clock timeout", async () => {
    const r = await spawnProcess({
      argv: ["sh", "-c", "sleep 1000 & echo pid=$!; while true; do echo tick; sleep 0.05; done"],
      cwd: tempDir(),
      env,
      timeoutMs: 500,
      idleTimeoutMs: 30_000,
    });
    const pids = printedPids(r.tail);
    leftovers.push(...pids);
    expect(r.timedOut).toBe(true);
    expect(r.idledOut).toBe(false);
    expect(r.tail).toContain("tick");
    for (const pid of pids) expect(isRunning(pid)).toBe(false);
  });

  it("sends SIGKILL after the grace period to a group that ignores SIGTERM", async () => {
    const r = await spawnProcess({
      argv: ["sh", "-c", "trap '' TERM; sleep 1000 & echo pid=$!; wait"],
      cwd: tempDir(),
      env,
      idleTimeoutMs: 1_000,
      killGraceMs: 300,
    });
    const pids = printedPids(r.tail);
    leftovers.push(...pids);
    expect(r.idledOut).toBe(true);
    expect(r.signal).toBe("SIGKILL");
    for (const pid of pids) expect(isRunning(pid)).toBe(false);
  });

  it("stops the whole group when the signal aborts", async () => {
    const controller = new AbortController();
    let pgid = 0;
    const seen: string[] = [];
    const run = spawnProcess({
      argv: ["sh", "-c", HUNG_WITH_CHILDREN],
      cwd: tempDir(),
      env,
      signal: controller.signal,
      idleTimeoutMs: 20_000,
      onLine: (line) => {
        if (line.startsWith("pid=")) seen.push(line);
        if (seen.length === 2) controller.abort();
      },
      onSpawn: (id) => {
        pgid = id;
      },
    });
    const r = await run;
    leftovers.push(...printedPids(r.tail));
    expect(pgid).toBeGreaterThan(1);
    expect(r.pgid).toBe(pgid);
    expect(r.aborted).toBe(true);
    expect(r.idledOut).toBe(false);
    expect(printedPids(r.tail)).toHaveLength(2);
    for (const pid of printedPids(r.tail)) expect(isRunning(pid)).toBe(false);
  });

  it("stops the group and rethrows when a callback throws", async () => {
    let pgid = 0;
    const run = spawnProcess({
      argv: ["sh", "-c", HUNG_WITH_CHILDREN],
      cwd: tempDir(),
      env,
      idleTimeoutMs: 20_000,
      onSpawn: (id) => {
        pgid = id;
      },
      onLine: () => {
        throw new Error("cannot record");
      },
    });
    await expect(run).rejects.toThrow("cannot record");
    expect(pgid).toBeGreaterThan(1);
    expect(isProcessGroupAlive(pgid)).toBe(false);
  });

  it("does not start when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await spawnProcess({ argv: ["true"], cwd: tempDir(), env, signal: controller.signal });
    expect(r.aborted).toBe(true);
    expect(r.pgid).toBeNull();
  });

  it("ends background leftovers after a normal exit, even when they hold the output pipe", async () => {
    const r = await spawnProcess({
      argv: ["sh", "-c", "sleep 1000 & echo pid=$!; echo done; exit 3"],
      cwd: tempDir(),
      env,
    });
    const pids = printedPids(r.tail);
    leftovers.push(...pids);
    expect(r.exitCode).toBe(3);
    expect(r.timedOut || r.idledOut || r.aborted).toBe(false);
    expect(pids).toHaveLength(1);
    for (const pid of pids) expect(isRunning(pid)).toBe(false);
  });

  it("resolves although a process that left the group still holds the pipes", async () => {
    const r = await spawnProcess({
      argv: ["sh", "-c", "setsid sleep 30 & echo pid=$!; echo bye"],
      cwd: tempDir(),
      env,
      drainMs: 200,
    });
    leftovers.push(...printedPids(r.tail));
    expect(r.exitCode).toBe(0);
    expect(r.tail).toContain("bye");
  });

  it("reports a missing program and a missing working directory without starting anything", async () => {
    const cwd = tempDir();
    const noProgram = await spawnProcess({ argv: ["./no-such-agent.sh"], cwd, env, input: "x" });
    expect(noProgram.spawnError).toMatchObject({ code: "ENOENT", what: "program" });
    expect(noProgram.pgid).toBeNull();
    const noCwd = await spawnProcess({ argv: ["true"], cwd: path.join(cwd, "gone"), env });
    expect(noCwd.spawnError).toMatchObject({ code: "ENOENT", what: "cwd" });
  });

  it("runs a command line through /bin/sh when asked", async () => {
    const r = await spawnProcess({ shellCommand: "echo one | tr a-z A-Z && exit 4", cwd: tempDir(), env });
    expect(r.exitCode).toBe(4);
    expect(r.tail.trim()).toBe("ONE");
  });

  it("appends the transcript with a header and an end line, and keeps a bounded tail", async () => {
    const dir = tempDir();
    const logFile = path.join(dir, "logs", "t", "001-research.log");
    const lines: string[] = [];
    await spawnProcess({ argv: ["sh", "-c", "echo first"], cwd: dir, env, logFile, logHeader: "attempt 1" });
    const big = await spawnProcess({
      argv: ["sh", "-c", "i=0; while [ $i -lt 2000 ]; do echo line-$i; i=$((i+1)); done; echo err >&2"],
      cwd: dir,
      env,
      logFile,
      tailBytes: 200,
      onLine: (line, stream) => lines.push(`${stream}:${line}`),
    });
    expect(big.tail.length).toBeLessThanOrEqual(200);
    expect(big.tail).toContain("line-1999");
    expect(lines).toHaveLength(2001);
    expect(lines).toContain("stderr:err");
    expect(lines[0]).toBe("stdout:line-0");
    const log = readFileSync(logFile, "utf8");
    expect(log).toMatch(/^=== \S+ attempt 1\nfirst\n=== \S+ end: exit 0 after \d+ ms\n=== \S+ start /);
    expect(log).toContain("line-0\n");
    expect(log).toContain("line-1999\n");
  });
});
