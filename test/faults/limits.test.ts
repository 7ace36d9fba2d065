/**
 * System limits under a running daemon: the inotify watch limit (ENOSPC from the watch, injected by
 * the `watch` failpoint — the real limit is system-wide and shared with every other process here) and
 * a full disk (a small tmpfs the test mounts, which needs root: without it the test fails and says
 * so, rather than passing without having run).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { startFleet, waitFor } from "../e2e/daemon-helpers.js";
import { checkFleet, faultFleet, runOnce } from "./fault-fleet.js";

function restoreTmp(saved: string | undefined): void {
  if (saved === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = saved;
}

const states = (f: ReturnType<typeof faultFleet>) =>
  f.ids.map((id) => `${id}: ${f.task(id).phase} / ${f.task(id).status}`).join(", ");

describe("system limits under a running daemon", () => {
  for (const hit of [1, 3]) {
    it(`the inotify watch limit (ENOSPC on watch #${hit}) is said, and rescans carry the work through`, async () => {
      const f = faultFleet(2);
      const d = startFleet(f.root, ["watch"], { FLEET_FAILPOINT: `watch@${hit}:enospc` });
      await waitFor(
        "every task shipped",
        () => f.ids.every((id) => f.task(id).phase === "done"),
        120_000,
        () => `${states(f)}\n${d.out()}\n${d.err()}`,
      );
      d.child.kill("SIGTERM");
      expect(await d.exited, d.err()).toBe(0);
      expect(`${d.out()}${d.err()}`).toMatch(/ENOSPC/);
      checkFleet(f);
    });
  }

  it("a full disk: nothing lost or half-written, and the work goes on once there is space", {
    timeout: 240_000,
  }, async () => {
    if (process.getuid?.() !== 0)
      throw new Error(
        "this case mounts a small tmpfs and needs root (or CAP_SYS_ADMIN): it did not run here",
      );
    const mnt = mkdtempSync(path.join(tmpdir(), "fleet-full-disk-"));
    const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=48m", "tmpfs", mnt], { encoding: "utf8" });
    if (mounted.status !== 0)
      throw new Error(`could not mount a tmpfs at ${mnt}: ${mounted.stderr}: the case did not run`);
    const savedTmp = process.env.TMPDIR;
    let daemon: ReturnType<typeof startFleet> | null = null;
    try {
      process.env.TMPDIR = mnt;
      const f = faultFleet(3);
      restoreTmp(savedTmp);
      f.behave({ sleepMs: 400 });
      daemon = startFleet(f.root);
      const d = daemon;
      await waitFor(
        "an agent to run",
        () => f.logLines().some((l) => l.startsWith("start ")),
        60_000,
        () => d.err(),
      );
      // Fill the disk to the last byte, and keep it full for a while as the daemon works.
      const filler = path.join(mnt, "filler");
      spawnSync("dd", ["if=/dev/zero", `of=${filler}`, "bs=1M"], { encoding: "utf8" });
      const free = execFileSync("df", ["--output=avail", "-B1", mnt], { encoding: "utf8" })
        .split("\n")[1]
        ?.trim();
      expect(Number(free)).toBeLessThan(64 * 1024);
      await new Promise((r) => setTimeout(r, 6_000));
      expect(d.child.exitCode, `the daemon died of a full disk:\n${d.err()}`).toBeNull();
      rmSync(filler);
      writeFileSync(path.join(mnt, "freed"), "");
      await waitFor(
        "every task shipped once there was space",
        () => f.ids.every((id) => f.task(id).phase === "done"),
        180_000,
        () => `${states(f)}\n${d.out()}\n${d.err()}`,
      );
      d.child.kill("SIGTERM");
      expect(await d.exited, d.err()).toBe(0);
      // Known limit: a run record whose commits all failed on the full disk stays uncommitted until a
      // daemon starts again, whose recovery commits it. Do that restart, then check.
      const again = await runOnce(f.root);
      expect(again.code, again.err).toBe(0);
      checkFleet(f);
    } finally {
      restoreTmp(savedTmp);
      if (daemon && daemon.child.exitCode === null) {
        daemon.child.kill("SIGKILL");
        await daemon.exited;
      }
      spawnSync("umount", ["-l", mnt]);
      rmSync(mnt, { recursive: true, force: true });
    }
  });
});
