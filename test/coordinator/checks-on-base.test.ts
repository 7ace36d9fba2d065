import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { AgentRunRequest } from "../../src/agents/types.js";
import { approve } from "../../src/commands/approve.js";
import { show } from "../../src/commands/show.js";
import { fleetPaths } from "../../src/store/paths.js";
import { readAcceptance, readRuns } from "../../src/store/read-records.js";
import { readTask } from "../../src/store/read-tasks.js";
import { fleetOk, runFleet } from "../helpers/run-fleet.js";
import { gitOut } from "../helpers/temp-repo.js";
import { coordinator, drain, dropIdea, fleetRepo, goodAgent, upToImplement } from "./helpers.js";

function task(root: string, id: string) {
  const r = readTask(fleetPaths(root), id);
  if (!r?.ok) throw new Error(`task ${id} did not load`);
  return r.task.record;
}

/** A planner that writes `checks` (id → run) and the files of `files` under acceptance/. */
function planner(checks: Record<string, string>, files: Record<string, string> = {}) {
  return (req: AgentRunRequest) => {
    if (req.phase !== "plan") return goodAgent(req);
    writeFileSync(path.join(req.outputDir, "plan.md"), "# Plan\n\nDo it.\n");
    const lines = Object.entries(checks).map(
      ([id, run]) => `  - id: ${id}\n    says: ${id}\n    run: ${JSON.stringify(run)}`,
    );
    writeFileSync(path.join(req.outputDir, "acceptance.md"), `---\nchecks:\n${lines.join("\n")}\n---\n`);
    for (const [rel, content] of Object.entries(files)) {
      const abs = path.join(req.outputDir, "acceptance", rel);
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, content);
    }
    return undefined;
  };
}

describe("acceptance hygiene at plan time", () => {
  it("sends a plan none of whose checks fails on the base commit back to the planner", async () => {
    const root = fleetRepo("max_attempts: 2\n");
    dropIdea(root, "alpha", "---\nstatus: ready\n---\n# Alpha idea\n");
    const { c } = await coordinator(root, planner({ AC1: "true" }), { executors: upToImplement() });
    await drain(c);
    const t = task(root, "alpha");
    expect(t).toMatchObject({ phase: "plan", status: "failed", attempts: { plan: 2 } });
    expect(t.reason).toContain("every acceptance check (AC1) already passes on the base commit");
    expect(readAcceptance(fleetPaths(root), "alpha")).toBeNull();
  });

  it("stamps what each check did on base, flags weak checks in show, the proposal and approve", async () => {
    const root = fleetRepo();
    dropIdea(root, "alpha", "---\nstatus: ready\n---\n# Alpha idea\n");
    const play = planner(
      {
        AC1: "sh .fleet/acceptance/alpha/check.sh",
        AC2: "true",
        AC3: "node --test test/alpha.test.mjs",
      },
      { "check.sh": "test -f alpha.txt\n" },
    );
    const { c } = await coordinator(root, play, { executors: upToImplement() });
    await drain(c);
    expect(task(root, "alpha")).toMatchObject({ phase: "plan", status: "awaiting-approval" });
    const acc = readAcceptance(fleetPaths(root), "alpha")?.record;
    expect(acc?.on_base).toEqual({
      commit: task(root, "alpha").base_commit,
      fail: ["AC1", "AC3"],
      pass: ["AC2"],
    });
    expect(gitOut(root, "log", "-1", "--format=%B", "--grep=Fleet-Event: proposed")).toContain(
      "weak checks AC2, AC3; regression check (pass on base already) AC2",
    );
    const run = readRuns(fleetPaths(root), "alpha").find((r) => r.record.phase === "plan");
    expect(run?.body).toContain("AC3 is WEAK");

    const shown = await show({ cwd: root, id: "alpha" });
    expect(shown.acceptance?.hygiene.weak.map((w) => w.id)).toEqual(["AC2", "AC3"]);
    expect(shown.acceptance?.hygiene.regression).toEqual(["AC2"]);

    const printed = fleetOk(root, ["show", "alpha"]).stdout;
    expect(printed).toContain("  AC1  AC1\n");
    expect(printed).toContain("  AC2  AC2  WEAK\n");
    expect(printed).toContain("  AC3  AC3  WEAK\n");
    expect(printed).toContain("! 2 weak checks: `fleet approve` needs --yes to approve them");
    const refused = runFleet(root, ["approve", "alpha"]);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain("fleet approve alpha --yes");
    await expect(approve({ cwd: root, id: "alpha" })).rejects.toThrow(/weak acceptance checks/);
    expect(task(root, "alpha")).toMatchObject({ phase: "plan", status: "awaiting-approval" });
    const approved = await approve({ cwd: root, id: "alpha", yes: true });
    expect(approved.weak).toEqual(["AC2", "AC3"]);
    expect(gitOut(root, "log", "-1", "--format=%B")).toContain("Approved with weak checks (--yes): AC2, AC3");
  });
});
