import { describe, expect, it } from "vitest";
import { approve } from "../../src/commands/approve.js";
import { fleetPaths } from "../../src/store/paths.js";
import { readPlan, readRuns } from "../../src/store/read-records.js";
import { readTask } from "../../src/store/read-tasks.js";
import { gitOut } from "../helpers/temp-repo.js";
import { coordinator, drain, dropIdea, fleetRepo, goodAgent, taskLog } from "./helpers.js";

function task(root: string, id: string) {
  const r = readTask(fleetPaths(root), id);
  if (!r?.ok) throw new Error(`${id} does not load`);
  return r.task.record;
}

describe("review.ship through the coordinator", () => {
  it("holds a change at ship / awaiting-approval until `fleet approve`, then ships it", async () => {
    const root = fleetRepo(
      "review: { plan: auto, ship: { files_over: null, paths: ['*.txt'] } }\ngates: { implement: [acceptance], ship: [acceptance] }\n",
    );
    dropIdea(root, "big", "---\nstatus: ready\n---\n# Big change\n");
    const { c } = await coordinator(root, goodAgent);
    await drain(c);
    expect(task(root, "big")).toMatchObject({ phase: "ship", status: "awaiting-approval" });
    const held = readRuns(fleetPaths(root), "big").at(-1)?.record;
    expect(held?.reason).toBe("waits for `fleet approve big`: it touches big.txt (review.ship.paths: *.txt)");
    expect(gitOut(root, "ls-files", "big.txt")).toBe("");

    await approve({ cwd: root, id: "big" });
    expect(task(root, "big")).toMatchObject({ phase: "ship", status: "ready" });
    expect(readPlan(fleetPaths(root), "big")?.record.ship_approval?.by).toContain("Ada");
    await drain(c);
    expect(task(root, "big")).toMatchObject({ phase: "done" });
    expect(gitOut(root, "ls-files", "big.txt")).toBe("big.txt");
    expect(taskLog(root, "big").slice(-5)).toEqual([
      "implement implemented (carried)",
      "ship held",
      "ship approved",
      "ship merged",
      "ship shipped",
    ]);
  });
});
