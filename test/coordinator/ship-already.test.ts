import { describe, expect, it } from "vitest";
import type { Job } from "../../src/coordinator/job.js";
import { shipLanding } from "../../src/coordinator/ship.js";
import { commitFiles, config, GOOD_GREET, git } from "../gates/fixture.js";
import { gitOut } from "../helpers/temp-repo.js";
import { ship, shipProject, TASK } from "./ship-fixture.js";

describe("a change already on the base branch", () => {
  it("ends the task done, shipped: { already: true }, without gates or an attempt", async () => {
    const { root, repo } = await shipProject();
    // Someone else lands the very same change on main first.
    git(
      root,
      "reset",
      "-q",
      "--hard",
      commitFiles(root, "main", { "src/greet.js": GOOD_GREET }, "Ada fixes greet"),
    );
    const mainTip = gitOut(root, "rev-parse", "main");
    const outcome = await ship(repo);
    expect(outcome).toMatchObject({ kind: "shipped", commit: mainTip, gates: [], already: true });
    expect(gitOut(root, "rev-parse", "main")).toBe(mainTip); // nothing committed on top
    expect(gitOut(root, "branch", "--list", `fleet/${TASK}`)).toBe("");

    const job = { config: config({}), task: { id: TASK } } as unknown as Job;
    const landing = shipLanding(job, outcome, new Date("2026-12-01T10:00:00Z"));
    expect(landing.end).toEqual({ kind: "advance", phase: "done", status: "ready", event: "shipped" });
    expect(landing.taskPatch).toEqual({
      shipped: { commit: mainTip, at: "2026-12-01T10:00:00Z", already: true },
    });
    expect(landing.reason).toMatch(/^already on main: its change was there/);
  });

  it("still fails a branch that changes nothing at all", async () => {
    const { root, repo, base } = await shipProject();
    git(root, "branch", "-f", `fleet/${TASK}`, base);
    const outcome = await ship(repo);
    expect(outcome).toMatchObject({
      kind: "failed",
      reason: "the change is empty on top of main: nothing to ship",
    });
  });
});
