import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fleetPaths } from "../../src/store/paths.js";
import { readRuns } from "../../src/store/read-records.js";
import { readTask } from "../../src/store/read-tasks.js";
import { gitOut } from "../helpers/temp-repo.js";
import { coordinator, drain, dropIdea, fleetRepo, goodAgent } from "./helpers.js";

function task(root: string, id: string) {
  const r = readTask(fleetPaths(root), id);
  if (!r?.ok) throw new Error(`${id} does not load`);
  return r.task.record;
}

describe("ship and the person's work tree", () => {
  it("waits while the person's uncommitted file is in the way, never touching it, then ships without re-gating", async () => {
    const root = fleetRepo(
      "review: { plan: auto }\ngates: { implement: [acceptance], ship: [acceptance] }\n",
    );
    dropIdea(root, "notes", "---\nstatus: ready\n---\n# Notes\n");
    writeFileSync(path.join(root, "notes.txt"), "Ada's own notes, not committed\n");
    const first = await coordinator(root, goodAgent);
    await drain(first.c);

    const waiting = task(root, "notes");
    expect(waiting).toMatchObject({ phase: "ship", status: "ready" });
    expect(waiting.reason).toBe(
      `waiting: main is checked out in ${root} with uncommitted changes to notes.txt, which this change also changes; commit or stash them there and the change ships`,
    );
    expect(readFileSync(path.join(root, "notes.txt"), "utf8")).toBe("Ada's own notes, not committed\n");
    expect(gitOut(root, "status", "--porcelain")).toBe("?? notes.txt");
    const runs = readRuns(fleetPaths(root), "notes").map((r) => r.record);
    const shipRun = runs.at(-1);
    expect(shipRun).toMatchObject({ phase: "ship", outcome: "try-later" });
    expect((await first.c.reconcile({ full: true })).waiting.find((w) => w.taskId === "notes")?.why).toMatch(
      /backed off until/,
    );

    rmSync(path.join(root, "notes.txt"));
    const later = new Date(Date.now() + 3_600_000);
    const second = await coordinator(root, goodAgent, { now: () => later });
    await drain(second.c);
    expect(task(root, "notes")).toMatchObject({ phase: "done" });
    expect(readFileSync(path.join(root, "notes.txt"), "utf8")).toBe("done\n");
    expect(gitOut(root, "status", "--porcelain")).toBe("");
    const last = readRuns(fleetPaths(root), "notes").at(-1)?.record;
    expect(last?.gates.map((g) => `${g.gate} ${g.verdict}`)).toEqual(["acceptance pass"]);
    const seq = String(last?.seq).padStart(3, "0");
    expect(existsSync(path.join(root, ".git/fleet/logs/notes", `${seq}-ship-acceptance.log`))).toBe(false);
    expect(
      existsSync(
        path.join(
          root,
          ".git/fleet/logs/notes",
          `${String(shipRun?.seq).padStart(3, "0")}-ship-acceptance.log`,
        ),
      ),
    ).toBe(true);
  });
});
