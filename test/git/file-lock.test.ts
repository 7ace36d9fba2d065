import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { withFileLock } from "../../src/git/file-lock.js";
import { tempDir } from "../helpers/temp-repo.js";

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../dist/git/file-lock.js");

/** Starts a node process that takes the lock and holds it until killed; resolves once it holds it. */
async function holder(lockPath: string, staleMs = 20_000) {
  const code = `import { withFileLock } from ${JSON.stringify(dist)};
    await withFileLock(${JSON.stringify(lockPath)}, async () => { console.log("held"); await new Promise(() => setInterval(() => {}, 1000)); }, { staleMs: ${staleMs} });`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", code], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
  return child;
}

describe("withFileLock", () => {
  it("takes over at once a lock whose holder was killed (-9), long before it is stale", async () => {
    const lock = path.join(tempDir(), "locks", "state");
    const child = await holder(lock);
    expect(existsSync(`${lock}.lock`)).toBe(true);
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    // waitMs is far below the 20 s stale time: only the dead-holder takeover can get the lock in time.
    expect(await withFileLock(lock, async () => "mine", { waitMs: 3_000 })).toBe("mine");
  });

  it("waits for a live holder and reports it when the wait runs out", async () => {
    const lock = path.join(tempDir(), "locks", "state");
    const child = await holder(lock);
    try {
      await expect(
        withFileLock(lock, async () => "mine", { waitMs: 300, what: "the test holder" }),
      ).rejects.toThrow(/the test holder holds/);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("takes over at once a dead holder's lock that its own refresh had touched", async () => {
    const lock = path.join(tempDir(), "locks", "state");
    const child = await holder(lock, 5_000);
    const first = statSync(`${lock}.lock`).mtimeMs;
    // proper-lockfile refreshes the mtime every staleMs / 2 = 2.5 s: wait for one refresh.
    while (statSync(`${lock}.lock`).mtimeMs === first) await new Promise((r) => setTimeout(r, 100));
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    // Stale only 5 s after the refresh: a 1 s wait succeeds only through the dead-holder takeover.
    expect(await withFileLock(lock, async () => "mine", { waitMs: 1_000, staleMs: 5_000 })).toBe("mine");
  });

  it("leaves no owner file behind once released, so no later lock can be taken for a dead holder's", async () => {
    // A released holder's owner file, left behind, named a dead pid and an inode the next lock
    // directory often reuses: a third process then broke the next holder's live lock (two winners,
    // and one `fleet idea` of eight failed with "cannot lock ref 'HEAD'").
    const dir = tempDir();
    const lock = path.join(dir, "state");
    await withFileLock(lock, async () => {});
    expect(readdirSync(dir)).toEqual([]);
  });

  it("takes over a lock its holder was killed before it could name itself (no owner file)", async () => {
    const lock = path.join(tempDir(), "locks", "state");
    mkdirSync(`${lock}.lock`, { recursive: true });
    const old = new Date(Date.now() - 10_000);
    utimesSync(`${lock}.lock`, old, old);
    // Stale only after 20 s: a 1 s wait succeeds only by taking over the owner-less lock.
    expect(await withFileLock(lock, async () => "mine", { waitMs: 1_000 })).toBe("mine");
  });
});
