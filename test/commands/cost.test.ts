/** `fleet cost`: the command function over run records, and the built CLI's text and JSON. */
import { describe, expect, it } from "vitest";
import { cost } from "../../src/commands/cost.js";
import { init } from "../../src/commands/init.js";
import { fleetPaths } from "../../src/store/paths.js";
import { runSchema } from "../../src/store/schemas/run.js";
import { writeRun } from "../../src/store/write-records.js";
import { writeTaskFile } from "../helpers/fleet-fixtures.js";
import { fleetOk } from "../helpers/run-fleet.js";
import { tempRepo } from "../helpers/temp-repo.js";

async function project() {
  const root = tempRepo();
  await init({ cwd: root });
  const paths = fleetPaths(root);
  writeTaskFile(root, {
    id: "shipped",
    title: "Shipped one",
    phase: "done",
    shipped: { commit: "abc1234", at: "2026-11-21T02:00:00Z" },
  });
  writeTaskFile(root, { id: "open", title: "Still open", phase: "implement", status: "ready" });
  const run = (task: string, seq: number, fields: Record<string, unknown>) =>
    writeRun(
      paths,
      runSchema.parse({
        task,
        seq,
        phase: "implement",
        agent: "implementer",
        runner: "claude-code",
        model: "claude-sonnet-4-5",
        attempt: 1,
        epoch: seq,
        started: "2026-11-20T23:00:00Z",
        outcome: "finished",
        ...fields,
      }),
      "",
    );
  await run("shipped", 1, {
    phase: "research",
    agent: "researcher",
    cost: { usd: 0.25, input_tokens: 2000, output_tokens: 100 },
  });
  await run("shipped", 2, { outcome: "failed", cost: { usd: 0.5, input_tokens: 4000, output_tokens: 200 } });
  await run("open", 1, {
    runner: "codex",
    model: "gpt-5.5",
    cost: { usd: null, input_tokens: 1000, output_tokens: 10 },
  });
  await run("gone", 1, {
    started: "2026-11-21T09:00:00Z",
    cost: { usd: 0.05, input_tokens: 10, output_tokens: 1 },
  });
  return root;
}

describe("fleet cost", () => {
  it("adds up every run record, failed attempts included, by task, phase, agent and night", async () => {
    const root = await project();
    const report = await cost({ cwd: root, timeZone: "UTC" });
    expect(report.total).toMatchObject({
      usd: 0.8,
      runs: 4,
      unpriced: 1,
      input_tokens: 7010,
      output_tokens: 311,
    });
    expect(report.tasks.map((t) => [t.key, t.shipped, t.usd, t.title])).toEqual([
      ["shipped", true, 0.75, "Shipped one"],
      ["gone", false, 0.05, "(task file gone)"],
      ["open", false, 0, "Still open"],
    ]);
    expect(report.nights.map((n) => [n.key, n.runs])).toEqual([
      ["2026-11-20", 3],
      ["2026-11-21", 1],
    ]);
  });

  it("prints shipped tasks, sums the rest unless --all, and answers --json", async () => {
    const root = await project();
    const text = fleetOk(root, ["cost"]).stdout;
    expect(text).toContain(
      "Spent $0.80 on 4 runs (7,010 tokens in, 311 out); 1 run used tokens but has no price.",
    );
    expect(text).toMatch(/Shipped tasks\n {2}shipped +\$0\.75 +2 runs +6,000 in \/ 300 out +Shipped one/);
    expect(text).toContain("Not shipped: 2 tasks, $0.0500 on 2 runs (fleet cost --all lists them)");
    expect(text).toContain("implementer (codex, gpt-5.5)");
    expect(fleetOk(root, ["cost", "--all"]).stdout).toMatch(
      /Not shipped\n {2}gone .*\n {2}open .*\(1 unpriced\) +Still open/,
    );
    expect(JSON.parse(fleetOk(root, ["cost", "--json"]).stdout).total.usd).toBe(0.8);
  });

  it("says so when nothing ran yet", async () => {
    const root = tempRepo();
    await init({ cwd: root });
    expect(fleetOk(root, ["cost"]).stdout).toBe("No runs yet: nothing has cost anything.\n");
  });
});
