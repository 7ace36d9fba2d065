import { describe, expect, it } from "vitest";
import { budgetState, RunRecords } from "../../src/coordinator/budgets.js";
import { finishedRun, startedRun } from "../../src/coordinator/run-records.js";
import { fleetPaths } from "../../src/store/paths.js";
import { configSchema } from "../../src/store/schemas/config.js";
import { writeRun } from "../../src/store/write-records.js";
import { tempDir } from "../helpers/temp-repo.js";

const NOW = new Date("2026-11-21T03:00:00Z");

function run(task: string, seq: number, usd: number) {
  const started = startedRun({
    task,
    seq,
    phase: "research",
    agent: "researcher",
    runner: "command",
    model: null,
    attempt: seq,
    epoch: seq,
    started: new Date(NOW.getTime() - 60_000),
    log: "x",
  });
  return finishedRun(started, NOW, {
    outcome: "failed",
    cost: { usd, input_tokens: null, output_tokens: null },
  });
}

describe("RunRecords and budgetState", () => {
  it("reads a task's runs once, and again as soon as a run is written", async () => {
    const paths = fleetPaths(tempDir());
    const records = new RunRecords(paths);
    const config = configSchema.parse({ budgets: { per_task_usd: 0.5 } });
    expect(records.of("a")).toEqual([]);
    expect(budgetState(records, config, ["a"], NOW).taskBudgetStops.size).toBe(0);

    await writeRun(paths, run("a", 1, 0.3), "");
    expect(records.of("a")).not.toBe(records.of("a")); // changed just now: read every time
    const later = Date.now() + 5_000;
    const first = records.of("a", later);
    expect(first.map((r) => r.seq)).toEqual([1]);
    expect(records.of("a", later)).toBe(first); // unchanged since: not read again
    expect(budgetState(records, config, ["a"], NOW).taskBudgetStops.size).toBe(0);

    await writeRun(paths, run("a", 2, 0.3), "");
    expect(records.of("a").map((r) => r.seq)).toEqual([1, 2]);
    expect(budgetState(records, config, ["a"], NOW).taskBudgetStops.get("a")).toContain("$0.60");
  });
});
