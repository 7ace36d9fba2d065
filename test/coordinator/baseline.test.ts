import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { approve } from "../../src/commands/approve.js";
import { fleetPaths } from "../../src/store/paths.js";
import { readRuns } from "../../src/store/read-records.js";
import { readTask } from "../../src/store/read-tasks.js";
import { gitOut, tempDir, writeFile } from "../helpers/temp-repo.js";
import { coordinator, drain, dropIdea, fleetRepo, goodAgent, upToImplement } from "./helpers.js";

function task(root: string, id: string) {
  const r = readTask(fleetPaths(root), id);
  if (!r?.ok) throw new Error(`task ${id} did not load`);
  return r.task.record;
}

/** A fleet whose implement gates are `test` (with `run`) and acceptance, committed. */
function repoWithTestGate(run: string, extra = ""): string {
  const root = fleetRepo(`gates: { implement: [test, acceptance], ship: [] }\nmax_attempts: 2\n${extra}`);
  writeFile(root, ".fleet/gates/test.md", `---\nkind: command\nrun: ${JSON.stringify(run)}\n---\n`);
  gitOut(root, "add", ".fleet");
  gitOut(root, "commit", "-qm", "a test gate");
  return root;
}

describe("baseline before blame", () => {
  it("blocks a task whose gate is red on the base commit, before the implementer runs, using no attempt", async () => {
    const root = repoWithTestGate("node -e \"process.exit(require('fs').existsSync('fixed') ? 0 : 1)\"");
    dropIdea(root, "alpha", "---\nstatus: ready\n---\n# Alpha idea\n");
    const phases: string[] = [];
    const { c } = await coordinator(
      root,
      (req) => {
        phases.push(req.phase);
        return goodAgent(req);
      },
      { executors: upToImplement() },
    );
    await drain(c);
    await approve({ cwd: root, id: "alpha" });
    await drain(c);
    const t = task(root, "alpha");
    expect(t).toMatchObject({ phase: "implement", status: "blocked" });
    expect(t.attempts.implement ?? 0).toBe(0);
    expect(t.reason).toMatch(/^gate `test` fails on `main` \([0-9a-f]{12}\) with no change: fix the gate/);
    expect(phases).not.toContain("implement");
    const run = readRuns(fleetPaths(root), "alpha").at(-1)?.record;
    expect(run?.outcome).toBe("blocked");
    expect(run?.gates.map((g) => [g.gate, g.verdict])).toEqual([["test", "fail"]]);
  });

  it("runs once per code and gate definitions: a second task on the same code reuses the pass", async () => {
    const marks = tempDir();
    // The gate counts its runs in a file outside its checkout: only uncontained can it.
    const root = repoWithTestGate(`echo run >> ${path.join(marks, "runs")}`, "sandbox: off\n");
    dropIdea(root, "alpha", "---\nstatus: ready\n---\n# Alpha idea\n");
    const { c } = await coordinator(root, goodAgent, { executors: upToImplement() });
    await drain(c);
    await approve({ cwd: root, id: "alpha" });
    await drain(c);
    expect(task(root, "alpha")).toMatchObject({ phase: "ship", status: "ready" });
    // baseline on the start commit + the gate on the candidate
    expect(readFileSync(path.join(marks, "runs"), "utf8")).toBe("run\nrun\n");
    dropIdea(root, "beta", "---\nstatus: ready\n---\n# Beta idea\n");
    await drain(c);
    await approve({ cwd: root, id: "beta" });
    await drain(c);
    expect(task(root, "beta")).toMatchObject({ phase: "ship", status: "ready" });
    // beta starts from main, which moved only by fleet bookkeeping: only its candidate is gated
    expect(readFileSync(path.join(marks, "runs"), "utf8")).toBe("run\nrun\nrun\n");
  });
});
