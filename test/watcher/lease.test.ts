import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runtimePaths } from "../../src/store/paths.js";
import { acquireLease, readLease } from "../../src/watcher/lease.js";
import { tempDir } from "../helpers/temp-repo.js";

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../dist/watcher/lease.js");

describe("the daemon lease", () => {
  it("is held by one process at a time; the refusal names the holder", async () => {
    const common = tempDir();
    const lease = await acquireLease(common, "fleet watch");
    expect(readLease(common)).toMatchObject({ pid: process.pid, command: "fleet watch", alive: true });
    await expect(acquireLease(common, "fleet run")).rejects.toThrow(
      new RegExp(
        `another fleet daemon already runs for this clone: pid ${process.pid} on .* \\(fleet watch, since `,
      ),
    );
    await lease.release();
    expect(existsSync(runtimePaths(common).daemon)).toBe(false);
    const again = await acquireLease(common, "fleet run");
    await again.release();
  });

  it("is taken over at once from a holder killed with -9", async () => {
    const common = tempDir();
    const code = `import { acquireLease } from ${JSON.stringify(dist)};
      await acquireLease(${JSON.stringify(common)}, "fleet watch"); console.log("held"); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", code], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    await expect(acquireLease(common, "fleet watch")).rejects.toThrow(`pid ${child.pid}`);
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    expect(readLease(common)).toMatchObject({ pid: child.pid, alive: false });
    const lease = await acquireLease(common, "fleet watch");
    expect(readLease(common)).toMatchObject({ pid: process.pid });
    await lease.release();
  });
});
