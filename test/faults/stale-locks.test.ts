/**
 * A git lock left behind by a killed git — `index.lock`, `HEAD.lock`, `refs/heads/main.lock` — under a
 * running daemon: nothing moves the base branch past it, nothing is lost or shipped twice, the
 * person's index is never left showing shipped files reversed, and once a person removes the lock
 * every task goes on to ship without anyone answering anything.
 */
import { existsSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { startFleet, waitFor } from "../e2e/daemon-helpers.js";
import { gitOut } from "../helpers/temp-repo.js";
import { checkFleet, faultFleet } from "./fault-fleet.js";

describe("a stale git lock under a running daemon", () => {
  for (const lock of ["index.lock", "HEAD.lock", "refs/heads/main.lock"]) {
    it(`${lock}: waits, never reverses the person's files, and ships once the lock is removed`, {
      timeout: 300_000,
    }, async () => {
      const f = faultFleet(2);
      const abs = path.join(f.root, ".git", lock);
      writeFileSync(abs, "");
      const old = new Date(Date.now() - 3_600_000);
      utimesSync(abs, old, old);
      const d = startFleet(f.root);
      const reversed: string[] = [];
      // While the lock is there, watch that the person's index never shows a shipped file reversed.
      // An index.lock stays until a ship has met it (and waits); the others for 12 s of commits.
      const metAtShip = () =>
        f.ids.some((id) =>
          f.runs(id).some((r) => r.record.phase === "ship" && /index\.lock/.test(r.record.reason ?? "")),
        );
      const until = Date.now() + (lock === "index.lock" ? 90_000 : 12_000);
      while (Date.now() < until && !(lock === "index.lock" && metAtShip())) {
        const status = gitOut(f.root, "status", "--porcelain");
        for (const line of status.split("\n"))
          if (/^D {2}t\d+\.txt$|^ D t\d+\.txt$/.test(line)) reversed.push(line);
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(existsSync(abs)).toBe(true);
      if (lock === "index.lock") expect(metAtShip(), `no ship met the lock\n${d.out()}`).toBe(true);
      expect(gitOut(f.root, "rev-parse", "main")).toBe(gitOut(f.root, "rev-parse", "HEAD"));
      rmSync(abs);
      await waitFor(
        "every task shipped after the lock went",
        () => f.ids.every((id) => f.task(id).phase === "done"),
        150_000,
        () =>
          `${f.ids.map((id) => `${id}: ${f.task(id).phase} / ${f.task(id).status}`).join(", ")}\n${d.out()}\n${d.err()}`,
      );
      d.child.kill("SIGTERM");
      expect(await d.exited, d.err()).toBe(0);
      expect(reversed, "shipped files shown reversed in the person's index").toEqual([]);
      checkFleet(f);
    });
  }
});
