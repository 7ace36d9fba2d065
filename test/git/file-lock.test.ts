import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { withFileLock } from "../../src/git/file-lock.js";
import { tempDir } from "../helpers/temp-repo.js";

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../dist/git/file-lock.js");

/** Starts a node process that takes the lock and holds it until killed; resolves once it holds it. */
async function holder(lockPath: string) {
  const code = `import { withFileLock } from ${JSON.stringify(dist)};
    await withFileLock(${JSON.stringify(lockPath)}, async () => { console.log("held"); await new Promise(() => setInterval(() => {}, 1000)); });`;
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
});
