import { describe, expect, it } from "vitest";
import { approve } from "../../src/commands/approve.js";
import { DefinitionsAtBase } from "../../src/coordinator/definitions.js";
import { findRepo } from "../../src/git/repo.js";
import { fleetPaths } from "../../src/store/paths.js";
import { readRuns } from "../../src/store/read-records.js";
import { readTask } from "../../src/store/read-tasks.js";
import { gitOut, writeFile } from "../helpers/temp-repo.js";
import { coordinator, drain, dropIdea, fleetRepo, goodAgent, upToImplement } from "./helpers.js";

function task(root: string, id: string) {
  const r = readTask(fleetPaths(root), id);
  if (!r?.ok) throw new Error(`task ${id} did not load`);
  return r.task.record;
}

describe("definitions come from the base tip, not the work tree", () => {
  it("judges with the committed gate while a person's edit of it is uncommitted, naming the commit", async () => {
    const root = fleetRepo("gates: { implement: [lint, acceptance], ship: [] }\n");
    writeFile(root, ".fleet/gates/lint.md", "---\nkind: command\nrun: echo committed-lint\n---\n");
    gitOut(root, "add", ".fleet");
    gitOut(root, "commit", "-qm", "a lint gate");
    dropIdea(root, "alpha", "---\nstatus: ready\n---\n# Alpha idea\n");
    const { c } = await coordinator(root, goodAgent, { executors: upToImplement() });
    await drain(c);
    await approve({ cwd: root, id: "alpha" });
    writeFile(root, ".fleet/gates/lint.md", "---\nkind: command\nrun: echo uncommitted-lint; exit 1\n---\n");
    const tipAtClaim = gitOut(root, "rev-parse", "main");
    await drain(c);
    expect(task(root, "alpha")).toMatchObject({ phase: "ship", status: "ready" });
    const implement = readRuns(fleetPaths(root), "alpha").find((r) => r.record.phase === "implement");
    expect(implement?.record.gates.map((g) => [g.gate, g.verdict])).toEqual([
      ["lint", "pass"],
      ["acceptance", "pass"],
    ]);
    expect(implement?.record.gates[0]?.output_tail).toContain("committed-lint");
    expect(implement?.record.definitions).toBe(tipAtClaim);
    expect(gitOut(root, "show", `${tipAtClaim}:.fleet/gates/lint.md`)).toContain("committed-lint");
  });

  it("reads them out again only when config.md, agents/ or gates/ changed at the new tip", async () => {
    const root = fleetRepo("concurrency: 3\n");
    const repo = await findRepo(root);
    const defs = new DefinitionsAtBase(repo);
    const first = await defs.current("main");
    writeFile(root, ".fleet/queue/other.md", "# Other\n");
    gitOut(root, "add", ".fleet");
    gitOut(root, "commit", "-qm", "a task, no definition changed");
    const second = await defs.current("main");
    expect(second.commit).toBe(gitOut(root, "rev-parse", "main"));
    expect(second.config).toBe(first.config);
    writeFile(root, ".fleet/config.md", "---\nconcurrency: 5\n---\n");
    gitOut(root, "commit", "-qam", "concurrency 5");
    const third = await defs.current("main");
    expect(third.commit).toBe(gitOut(root, "rev-parse", "main"));
    expect(third.config.concurrency).toBe(5);
    writeFile(root, ".fleet/gates/lint.md", "---\nkind: command\nrun: echo lint\n---\n");
    gitOut(root, "add", ".fleet");
    gitOut(root, "commit", "-qm", "a gate");
    expect([...(await defs.current("main")).gates.keys()]).toContain("lint");
  });
});
