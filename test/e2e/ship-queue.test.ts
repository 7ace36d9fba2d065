/**
 * The merge queue through the built CLI: `fleet run --until-idle` drains six ideas with the script
 * runner and `ship: { batch: 4 }`. From its own event stream and the run records: two ship runs are
 * only ever under way at once when they are members of one batch, no ship run waited (try-later),
 * and everything shipped.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { fleetPaths } from "../../src/store/paths.js";
import { readRuns } from "../../src/store/read-records.js";
import { readTask } from "../../src/store/read-tasks.js";
import { CLI } from "../helpers/run-fleet.js";
import { gitOut, tempDir, tempRepo, testEnv, writeFile } from "../helpers/temp-repo.js";

interface Event {
  at: string;
  task: string | null;
  phase: string | null;
  event: string;
}

const IDS = ["one", "two", "three", "four", "five", "six"];

function project(): string {
  const root = tempRepo();
  writeFile(root, "package.json", '{ "name": "ships", "private": true, "type": "module" }\n');
  writeFile(root, "test/smoke.test.mjs", 'import { test } from "node:test";\ntest("smoke", () => {});\n');
  writeFile(
    root,
    ".fleet/config.md",
    "---\nconcurrency: 4\nreview: { plan: auto }\ngates: { implement: [acceptance], ship: [test, acceptance] }\nship: { batch: 4 }\n---\n",
  );
  writeFile(root, ".fleet/gates/test.md", "---\nkind: command\nrun: node --test test/\n---\n");
  for (const name of ["researcher", "planner", "implementer"])
    writeFile(root, `.fleet/agents/${name}.md`, `---\nrunner: script\n---\nYou are the ${name}.\n`);
  for (const [i, id] of IDS.entries())
    writeFile(
      root,
      `.fleet/queue/${id}.md`,
      `---\nstatus: ready\npriority: ${i % 3}\ntouches: ["scripted/${id}.md"]\n---\n# Task ${id}\n`,
    );
  gitOut(root, "add", "-A");
  gitOut(root, "commit", "-q", "-m", "six ideas");
  return root;
}

describe("fleet run with ship.batch", () => {
  it("never has two ships under way at once unless they are one batch, and none waits", () => {
    const root = project();
    const r = spawnSync(process.execPath, [CLI, "run", "--until-idle", "--json"], {
      cwd: root,
      env: testEnv(tempDir("fleet-home-")),
      encoding: "utf8",
      timeout: 400_000,
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const events = r.stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Event);
    for (const id of IDS) {
      const t = readTask(fleetPaths(root), id);
      expect(t?.ok && t.task.record.phase).toBe("done");
    }
    // Batch mates, as each shipped run record names them.
    const mates = new Map<string, Set<string>>();
    for (const id of IDS) {
      const ships = readRuns(fleetPaths(root), id).filter((x) => x.record.phase === "ship");
      expect(ships.map((x) => x.record.outcome)).toEqual(["finished"]);
      const named = /with (.+) \(ship\.batch\)/.exec(ships[0]?.body ?? "")?.[1] ?? "";
      mates.set(id, new Set(named.split(", ").filter(Boolean)));
    }
    // Walk the event stream: which ships are under way when each ship starts.
    const open = new Set<string>();
    const clashes: string[] = [];
    for (const e of events) {
      if (e.phase !== "ship" || !e.task) continue;
      if (e.event === "started") {
        for (const other of open)
          if (!mates.get(e.task)?.has(other)) clashes.push(`${e.task} started while ${other} shipped`);
        open.add(e.task);
      } else if (e.event !== "shipping" && !e.event.startsWith("gate")) open.delete(e.task);
    }
    expect(clashes).toEqual([]);
    expect(open.size).toBe(0);
    const merged = gitOut(root, "log", "--format=%H", "--grep=^Fleet-Event: merged$", "main").split("\n");
    expect(merged).toHaveLength(IDS.length);
  }, 400_000);
});
