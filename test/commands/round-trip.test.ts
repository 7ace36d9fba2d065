import { describe, expect, it } from "vitest";
import { approve } from "../../src/commands/approve.js";
import { idea } from "../../src/commands/idea.js";
import { init } from "../../src/commands/init.js";
import { ready } from "../../src/commands/ready.js";
import { stringifyFrontmatter } from "../../src/store/frontmatter.js";
import { fleetPaths } from "../../src/store/paths.js";
import { readAcceptance, readPlan, readRuns } from "../../src/store/read-records.js";
import { readTasks } from "../../src/store/read-tasks.js";
import { LAYOUT, writeAcceptance, writePlan, writeRun, writeTask } from "../../src/store/write-records.js";
import { commitFleetDir, writePlanFiles, writeTaskFile } from "../helpers/fleet-fixtures.js";
import { gitOut, tempRepo, writeFile } from "../helpers/temp-repo.js";

describe("round trip", () => {
  it("every record the commands wrote, read and written back unchanged, gives no diff", async () => {
    const root = tempRepo();
    await init({ cwd: root });
    const { id } = await idea({
      cwd: root,
      title: "Idea with: a colon, 'quotes' and ünïcode",
      body: "Body\n\nwith paragraphs.",
      touches: ["src/**"],
    });
    writeFile(root, ".fleet/queue/hand.md", "# Hand\n");
    await ready({ cwd: root, id: "hand" });
    writeTaskFile(root, {
      id: "p",
      phase: "plan",
      status: "awaiting-approval",
      answers: [{ question: "q?", answer: "a: yes", by: "Ada", at: "2026-11-20T00:00:00Z" }],
    });
    writePlanFiles(root, "p");
    writeFile(
      root,
      ".fleet/runs/p/001-plan.md",
      stringifyFrontmatter(
        {
          task: "p",
          seq: 1,
          phase: "plan",
          attempt: 1,
          epoch: 3,
          started: "2026-11-20T00:00:00Z",
          outcome: "finished",
          cost: { usd: 0.12, input_tokens: 10, output_tokens: 5 },
          gates: [{ gate: "build", kind: "command", verdict: "pass" }],
        },
        "transcript summary\n",
        LAYOUT.run,
      ),
    );
    commitFleetDir(root);
    await approve({ cwd: root, id: "p" });
    const paths = fleetPaths(root);
    // Normalise the fixture run once the way the coordinator would, then commit; from here on, no diff.
    for (const r of readRuns(paths, "p")) await writeRun(paths, r.record, r.body);
    commitFleetDir(root, "normalise run");

    const { tasks, problems } = readTasks(paths);
    expect(problems).toEqual([]);
    for (const t of tasks.values()) expect(await writeTask(paths, t.record, t.body)).toBe(false);
    const plan = readPlan(paths, "p");
    const acceptance = readAcceptance(paths, "p");
    if (!plan || !acceptance) throw new Error("plan files missing");
    expect(await writePlan(paths, plan.record, plan.body)).toBe(false);
    expect(await writeAcceptance(paths, "p", acceptance.record, acceptance.body)).toBe(false);
    for (const r of readRuns(paths, "p")) expect(await writeRun(paths, r.record, r.body)).toBe(false);
    expect(tasks.get(id)?.record.title).toBe("Idea with: a colon, 'quotes' and ünïcode");
    expect(gitOut(root, "status", "--porcelain")).toBe("");
  });
});
