import { describe, expect, it } from "vitest";
import { approve } from "../../src/commands/approve.js";
import { fleetPaths } from "../../src/store/paths.js";
import { readTask } from "../../src/store/read-tasks.js";
import { commitFiles } from "../gates/fixture.js";
import { gitOut } from "../helpers/temp-repo.js";
import { coordinator, drain, dropIdea, fleetRepo, goodAgent, upToImplement } from "./helpers.js";

function task(root: string, id: string) {
  const r = readTask(fleetPaths(root), id);
  if (!r?.ok) throw new Error(`task ${id} did not load`);
  return r.task.record;
}

describe("the plan approval, checked against the commit the checks run from", () => {
  it("blocks the implement gates when a changed check lands on the base branch after approval", async () => {
    const root = fleetRepo();
    dropIdea(root, "alpha", "---\nstatus: ready\n---\n# Alpha idea\n");
    const { c } = await coordinator(root, goodAgent, { executors: upToImplement() });
    await drain(c);
    expect(task(root, "alpha")).toMatchObject({ phase: "plan", status: "awaiting-approval" });
    await approve({ cwd: root, id: "alpha" });
    // Someone else's commit on main (a push, another clone) changes the approved check; the person's
    // work tree still holds the approved bytes, so only the commit tells.
    const weak = '---\nchecks:\n  - id: AC1\n    says: the file exists\n    run: "true"\n---\n';
    const moved = commitFiles(root, "main", { ".fleet/acceptance/alpha.md": weak }, "loosen the check");
    gitOut(root, "update-ref", "refs/heads/main", moved);
    gitOut(root, "reset", "-q", "--mixed");
    await drain(c);
    const t = task(root, "alpha");
    expect(t).toMatchObject({ phase: "implement", status: "blocked" });
    expect(t.reason).toContain("is not what was approved: .fleet/acceptance/alpha.md");
  });

  it("blocks the ship when the approved check changed on the base branch after the implement gates", async () => {
    const root = fleetRepo();
    dropIdea(root, "alpha", "---\nstatus: ready\n---\n# Alpha idea\n");
    const first = await coordinator(root, goodAgent, { executors: upToImplement() });
    await drain(first.c);
    await approve({ cwd: root, id: "alpha" });
    await drain(first.c);
    expect(task(root, "alpha")).toMatchObject({ phase: "ship", status: "ready" });
    const weak = '---\nchecks:\n  - id: AC1\n    says: the file exists\n    run: "true"\n---\n';
    const moved = commitFiles(root, "main", { ".fleet/acceptance/alpha.md": weak }, "loosen the check");
    gitOut(root, "update-ref", "refs/heads/main", moved);
    gitOut(root, "reset", "-q", "--mixed");
    const second = await coordinator(root, goodAgent);
    await drain(second.c);
    const t = task(root, "alpha");
    expect(t).toMatchObject({ phase: "ship", status: "blocked" });
    expect(t.reason).toContain("is not what was approved: .fleet/acceptance/alpha.md");
    expect(gitOut(root, "log", "-1", "--format=%s", "main")).not.toContain("merged");
  });
});
