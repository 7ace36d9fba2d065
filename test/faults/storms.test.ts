/**
 * Sweeping changes to `.fleet/` under a running daemon: a `git checkout` that rewrites 1,000 task
 * files at once (and back), and `rm -rf .fleet && git checkout .fleet` while agents run. The daemon
 * keeps running, reads every file, commits nothing of its own for files it did not change, and the
 * tasks in flight still ship exactly once.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fleetPaths } from "../../src/store/paths.js";
import { readTasks } from "../../src/store/read-tasks.js";
import { dropIdea, startFleet, waitFor } from "../e2e/daemon-helpers.js";
import { gitOut, writeFile } from "../helpers/temp-repo.js";
import { checkFleet, faultFleet } from "./fault-fleet.js";

const draft = (id: string, title: string, priority: number) =>
  `---\nid: ${id}\ntitle: ${title}\nphase: idea\nstatus: draft\npriority: ${priority}\ndepends_on: []\nparent: null\ntouches: []\n---\nWhy ${id}.\n`;

describe("storms of changes to .fleet/ under a running daemon", () => {
  it("a git checkout rewriting 1,000 task files at once, twice, loses nothing and stops nothing", {
    timeout: 240_000,
  }, async () => {
    const f = faultFleet(0);
    const ids = Array.from({ length: 1000 }, (_, i) => `d${String(i).padStart(4, "0")}`);
    for (const id of ids) writeFile(f.root, `.fleet/queue/${id}.md`, draft(id, `Draft ${id}`, 2));
    gitOut(f.root, "add", ".fleet");
    gitOut(f.root, "commit", "-q", "-m", "1000 drafts", "--", ".fleet");
    gitOut(f.root, "checkout", "-q", "-b", "storm");
    for (const id of ids) writeFile(f.root, `.fleet/queue/${id}.md`, draft(id, `Draft ${id}, retitled`, 1));
    gitOut(f.root, "add", ".fleet");
    gitOut(f.root, "commit", "-q", "-m", "retitle 1000 drafts", "--", ".fleet");
    gitOut(f.root, "checkout", "-q", "main");
    const head = gitOut(f.root, "rev-parse", "main");
    const d = startFleet(f.root);
    await waitFor(
      "the daemon to scan",
      () => d.out().includes("scanned"),
      60_000,
      () => d.err(),
    );
    for (const branch of ["storm", "main", "storm", "main"]) {
      gitOut(f.root, "checkout", "-q", branch);
      await new Promise((r) => setTimeout(r, 1_500));
      expect(d.child.exitCode, `the daemon died:\n${d.err()}`).toBeNull();
    }
    // Nothing of the drafts was committed by the daemon: they were all in git already.
    expect(gitOut(f.root, "rev-parse", "main")).toBe(head);
    const set = readTasks(fleetPaths(f.root));
    expect(set.problems).toEqual([]);
    expect(set.tasks.size).toBe(1000);
    // The daemon still works: two new ideas ship.
    f.ids.push("t1", "t2");
    dropIdea(f.root, "t1");
    dropIdea(f.root, "t2");
    await waitFor(
      "the new ideas to ship",
      () =>
        f.ids.every((id) => {
          try {
            return f.task(id).phase === "done";
          } catch {
            return false;
          }
        }),
      120_000,
      () => `${d.out()}\n${d.err()}`,
    );
    d.child.kill("SIGTERM");
    expect(await d.exited, d.err()).toBe(0);
    expect(d.out()).not.toMatch(/problem/);
    checkFleet(f);
  });

  it("rm -rf .fleet && git checkout .fleet while agents run: the work still ships, once", {
    timeout: 240_000,
  }, async () => {
    const f = faultFleet(2);
    f.behave({ sleepMs: 1_500 });
    const d = startFleet(f.root);
    await waitFor(
      "an agent to run",
      () => f.logLines().some((l) => l.startsWith("start ")),
      60_000,
      () => d.err(),
    );
    rmSync(path.join(f.root, ".fleet"), { recursive: true, force: true });
    await new Promise((r) => setTimeout(r, 300));
    gitOut(f.root, "checkout", "HEAD", "--", ".fleet");
    await waitFor(
      "every task shipped",
      () => f.ids.every((id) => f.task(id).phase === "done"),
      150_000,
      () =>
        `${JSON.stringify(readTasks(fleetPaths(f.root)).problems)}\n${gitOut(f.root, "status", "--porcelain")}\n${gitOut(f.root, "log", "--format=%h %s%n%b", "--stat", "--", ".fleet/queue/t2.md")}\n${f.ids
          .map((id) => {
            try {
              return `${id}: ${f.task(id).phase} / ${f.task(id).status}`;
            } catch {
              return `${id}: gone`;
            }
          })
          .join(", ")}\n${d.out()}\n${d.err()}`,
    );
    d.child.kill("SIGTERM");
    expect(await d.exited, d.err()).toBe(0);
    checkFleet(f);
  });
});
