import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { isProcessGroupAlive, killProcessGroup, listProcessGroup } from "../../src/agents/process-group.js";
import { isRunning, killQuietly } from "./proc-helpers.js";

const started: number[] = [];
afterEach(() => {
  for (const pgid of started.splice(0)) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // gone
    }
  }
});

/** Starts a detached group (leader + one child) like an agent the daemon lost track of; returns its pgid. */
function startOrphanGroup(env: Record<string, string> = {}, script = "sleep 1000 & wait"): number {
  const child = spawn("sh", ["-c", script], {
    detached: true,
    stdio: "ignore",
    env: { PATH: process.env.PATH, ...env },
  });
  child.unref();
  if (!child.pid) throw new Error("could not start sh");
  started.push(child.pid);
  return child.pid;
}

async function membersOf(pgid: number, count: number): Promise<number[]> {
  for (let i = 0; i < 100; i++) {
    const pids = listProcessGroup(pgid) ?? [];
    if (pids.length >= count) return pids;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`group ${pgid} never had ${count} members`);
}

describe("process groups (crash recovery)", () => {
  it("kills a recorded group and all its members by pgid", async () => {
    const pgid = startOrphanGroup();
    const pids = await membersOf(pgid, 2);
    expect(isProcessGroupAlive(pgid)).toBe(true);
    expect(await killProcessGroup(pgid, { graceMs: 2_000 })).toBe("terminated");
    expect(isProcessGroupAlive(pgid)).toBe(false);
    for (const pid of pids) expect(isRunning(pid)).toBe(false);
    expect(await killProcessGroup(pgid)).toBe("gone");
  });

  it("escalates to SIGKILL when the group ignores SIGTERM", async () => {
    const pgid = startOrphanGroup({}, "trap '' TERM; sleep 1000 & wait");
    await membersOf(pgid, 2);
    expect(await killProcessGroup(pgid, { graceMs: 200 })).toBe("killed");
    expect(isProcessGroupAlive(pgid)).toBe(false);
  });

  it("leaves a group alone when it does not carry the expected FLEET_ variable", async () => {
    const pgid = startOrphanGroup({ FLEET_TASK_ID: "other-task" });
    const pids = await membersOf(pgid, 2);
    expect(await killProcessGroup(pgid, { requireEnv: "FLEET_TASK_ID=my-task" })).toBe("not-ours");
    expect(isProcessGroupAlive(pgid)).toBe(true);
    expect(await killProcessGroup(pgid, { requireEnv: "FLEET_TASK_ID=other-task", graceMs: 2_000 })).toBe(
      "terminated",
    );
    killQuietly(pids);
  });

  it("treats invalid pgids as dead instead of signalling everything", () => {
    expect(isProcessGroupAlive(0)).toBe(false);
    expect(isProcessGroupAlive(1)).toBe(false);
    expect(isProcessGroupAlive(-5)).toBe(false);
  });
});
