import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readApprovalInputs } from "../../src/commands/approval-inputs.js";
import { approve } from "../../src/commands/approve.js";
import { doctor } from "../../src/commands/doctor.js";
import { init } from "../../src/commands/init.js";
import { reject } from "../../src/commands/reject.js";
import { show } from "../../src/commands/show.js";
import { fleetPaths } from "../../src/store/paths.js";
import { readPlan } from "../../src/store/read-records.js";
import { readTask } from "../../src/store/read-tasks.js";
import { commitFleetDir, writePlanFiles, writeTaskFile } from "../helpers/fleet-fixtures.js";
import { gitOut, tempRepo, writeFile } from "../helpers/temp-repo.js";

const NOW = new Date("2026-11-21T08:00:00Z");

/** A repository with task `a` at plan / awaiting-approval, plan and acceptance written and committed. */
async function planWaiting(): Promise<string> {
  const root = tempRepo();
  await init({ cwd: root });
  writeTaskFile(root, { id: "a", title: "Rate-limit", phase: "plan", status: "awaiting-approval" });
  writePlanFiles(root, "a");
  commitFleetDir(root);
  return root;
}

function state(root: string, id = "a"): string {
  const r = readTask(fleetPaths(root), id);
  if (!r?.ok) throw new Error(`task ${id} did not load`);
  return `${r.task.record.phase} / ${r.task.record.status}`;
}

describe("approve", () => {
  it("records an approval bound to the content hash and moves the task to implement / ready", async () => {
    const root = await planWaiting();
    const result = await approve({ cwd: root, id: "a", now: NOW });
    expect(result).toMatchObject({
      approved: "plan",
      from: { phase: "plan" },
      to: { phase: "implement", status: "ready" },
    });
    const paths = fleetPaths(root);
    expect(readPlan(paths, "a")?.record.approval).toEqual({
      by: "Ada Lovelace <ada@example.com>",
      at: "2026-11-21T08:00:00Z",
      sha256: result.sha256,
    });
    expect(readApprovalInputs(paths, "a").sha256).toBe(result.sha256);
    expect(state(root)).toBe("implement / ready");
    expect(gitOut(root, "show", "--name-only", "--format=", "HEAD").split("\n").sort()).toEqual([
      ".fleet/plans/a.md",
      ".fleet/queue/a.md",
    ]);
    expect(gitOut(root, "log", "-1", "--format=%s")).toBe("fleet(plan): a approved — Rate-limit");
    expect((await show({ cwd: root, id: "a" })).plan?.approval).toBe("valid");
  });

  it("with expectSha256, approves only the content that was read", async () => {
    const root = await planWaiting();
    const read = readApprovalInputs(fleetPaths(root), "a").sha256 ?? "";
    writeFile(root, ".fleet/plans/a.md", "---\ntask: a\n---\n1. Something else.\n");
    const head = gitOut(root, "rev-parse", "HEAD");
    await expect(approve({ cwd: root, id: "a", expectSha256: read, now: NOW })).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringMatching(/changed since you read it/),
    });
    expect(state(root)).toBe("plan / awaiting-approval");
    expect(gitOut(root, "rev-parse", "HEAD")).toBe(head);
    const now = readApprovalInputs(fleetPaths(root), "a").sha256 ?? "";
    expect((await approve({ cwd: root, id: "a", expectSha256: now, now: NOW })).sha256).toBe(now);
  });

  it("voids the approval when an acceptance file changes; show and doctor say so; approve again re-binds it", async () => {
    const root = await planWaiting();
    await approve({ cwd: root, id: "a", now: NOW });
    writeFile(root, ".fleet/acceptance/a/limit.test.mjs", "// weakened\n");
    expect((await show({ cwd: root, id: "a" })).plan?.approval).toBe("voided");
    const report = await doctor({ cwd: root });
    expect(report.problems).toEqual([
      expect.objectContaining({ file: ".fleet/plans/a.md", field: "approval" }),
    ]);
    const again = await approve({ cwd: root, id: "a", now: NOW });
    expect(again.to).toEqual({ phase: "implement", status: "ready" });
    expect(gitOut(root, "show", "--name-only", "--format=", "HEAD").split("\n")).toContain(
      ".fleet/acceptance/a/limit.test.mjs",
    );
    expect((await show({ cwd: root, id: "a" })).plan?.approval).toBe("valid");
    await expect(approve({ cwd: root, id: "a" })).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringMatching(/still holds/),
    });
  });

  it("keeps the approval when only the YAML layout of the plan changes", async () => {
    const root = await planWaiting();
    await approve({ cwd: root, id: "a", now: NOW });
    const file = `${root}/.fleet/plans/a.md`;
    const text = readFileSync(file, "utf8");
    writeFile(root, ".fleet/plans/a.md", text.replace("agent: planner", "agent: 'planner'\n# a comment"));
    expect((await show({ cwd: root, id: "a" })).plan?.approval).toBe("valid");
    writeFile(root, ".fleet/plans/a.md", text.replace("2. Test it.", "2. Skip the tests."));
    expect((await show({ cwd: root, id: "a" })).plan?.approval).toBe("voided");
  });

  it("refuses with a conflict when there is nothing to approve, without writing anything", async () => {
    const root = tempRepo();
    await init({ cwd: root });
    writeTaskFile(root, { id: "idea1" });
    writeTaskFile(root, { id: "noplan", phase: "plan", status: "awaiting-approval" });
    writeTaskFile(root, { id: "noacc", phase: "plan", status: "awaiting-approval" });
    writePlanFiles(root, "noacc");
    gitOut(root, "rm", "-q", "-r", "--cached", "--ignore-unmatch", ".fleet/acceptance/noacc.md");
    commitFleetDir(root);
    gitOut(root, "rm", "-q", ".fleet/acceptance/noacc.md");
    gitOut(root, "commit", "-q", "-m", "no acceptance");
    const head = gitOut(root, "rev-parse", "HEAD");
    await expect(approve({ cwd: root, id: "idea1" })).rejects.toMatchObject({
      code: "conflict",
      message: "nothing to approve: idea1 is idea / draft",
    });
    await expect(approve({ cwd: root, id: "noplan" })).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringMatching(/plans\/noplan\.md does not exist/),
    });
    await expect(approve({ cwd: root, id: "noacc" })).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringMatching(/acceptance\/noacc\.md does not exist/),
    });
    await expect(approve({ cwd: root, id: "missing" })).rejects.toMatchObject({ code: "not-found" });
    expect(gitOut(root, "rev-parse", "HEAD")).toBe(head);
    expect(gitOut(root, "status", "--porcelain")).toBe("");
  });

  it("refuses a plan whose acceptance file does not validate, naming the field", async () => {
    const root = await planWaiting();
    writeFile(root, ".fleet/acceptance/a.md", "---\nchecks: []\n---\n");
    await expect(approve({ cwd: root, id: "a" })).rejects.toMatchObject({
      code: "invalid",
      message: expect.stringMatching(/acceptance\/a\.md \(checks\)/),
    });
  });

  it("releases a change held before ship and records ship_approval", async () => {
    const root = tempRepo();
    await init({ cwd: root });
    writeTaskFile(root, { id: "a", phase: "ship", status: "awaiting-approval" });
    writePlanFiles(root, "a");
    commitFleetDir(root);
    const result = await approve({ cwd: root, id: "a", now: NOW });
    expect(result).toMatchObject({ approved: "ship", to: { phase: "ship", status: "ready" } });
    expect(readPlan(fleetPaths(root), "a")?.record.ship_approval?.sha256).toBe(result.sha256);
    expect(gitOut(root, "log", "-1", "--format=%s")).toBe("fleet(ship): a approved — Task a");
  });
});

describe("reject", () => {
  it("sends the plan back with the reason in the plan and the commit", async () => {
    const root = await planWaiting();
    const result = await reject({ cwd: root, id: "a", reason: "Per key, not per IP.", now: NOW });
    expect(result.to).toEqual({ phase: "plan", status: "ready" });
    expect(readPlan(fleetPaths(root), "a")?.record.rejection).toEqual({
      by: "Ada Lovelace <ada@example.com>",
      at: "2026-11-21T08:00:00Z",
      reason: "Per key, not per IP.",
    });
    expect(gitOut(root, "log", "-1", "--format=%b")).toMatch(
      /^Per key, not per IP\.\n\nFleet-Task: a\nFleet-Phase: plan\nFleet-Event: rejected/,
    );
  });

  it("refuses when no plan waits for approval", async () => {
    const root = await planWaiting();
    await approve({ cwd: root, id: "a" });
    await expect(reject({ cwd: root, id: "a", reason: "x" })).rejects.toMatchObject({ code: "conflict" });
  });
});
