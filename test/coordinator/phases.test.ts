import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { approve } from "../../src/commands/approve.js";
import { readClaim } from "../../src/coordinator/claims.js";
import { fleetPaths } from "../../src/store/paths.js";
import { readPlan, readResearch, readRuns } from "../../src/store/read-records.js";
import { readTask } from "../../src/store/read-tasks.js";
import { gitOut } from "../helpers/temp-repo.js";
import { coordinator, drain, dropIdea, fleetRepo, goodAgent, taskLog, upToImplement } from "./helpers.js";

function task(root: string, id: string) {
  const r = readTask(fleetPaths(root), id);
  if (!r?.ok) throw new Error(`task ${id} did not load`);
  return r.task.record;
}

describe("coordinator: the phases", () => {
  it("takes two hand-dropped ideas through research and plan, waits for approval, then implements", async () => {
    const root = fleetRepo();
    dropIdea(root, "alpha", "---\nstatus: ready\n---\n# Alpha idea\n\nMake alpha.\n");
    dropIdea(root, "beta", "---\nstatus: ready\n---\n# Beta idea\n");
    const prompts: string[] = [];
    const { c, events } = await coordinator(
      root,
      (req) => {
        prompts.push(req.prompt);
        return goodAgent(req);
      },
      { executors: upToImplement() },
    );
    await drain(c);
    const paths = fleetPaths(root);
    for (const id of ["alpha", "beta"]) {
      expect(task(root, id)).toMatchObject({
        phase: "plan",
        status: "awaiting-approval",
        attempts: { research: 1, plan: 1 },
      });
      const research = readResearch(paths, id);
      expect(research?.record).toMatchObject({ task: id, agent: "researcher", run: 1 });
      expect(research?.record.base_commit).toBe(task(root, id).base_commit);
      expect(readPlan(paths, id)?.record).toMatchObject({
        task: id,
        agent: "planner",
        run: 2,
        approval: null,
      });
      expect(existsSync(path.join(root, ".fleet/acceptance", `${id}.md`))).toBe(true);
      // No `started` commits, and the research's hand-over rides on the `proposed` commit.
      expect(taskLog(root, id)).toEqual(["idea created", "research researched (carried)", "plan proposed"]);
    }
    expect(task(root, "alpha").title).toBe("Alpha idea");
    expect(prompts.some((p) => p.includes("# Task: Alpha idea") && p.includes("Make alpha."))).toBe(true);
    expect(prompts.some((p) => p.includes("## Research") && p.includes("Findings for alpha"))).toBe(true);
    expect(gitOut(root, "status", "--porcelain")).toBe("");
    expect(events.filter((e) => e.event === "started").length).toBe(4);

    await approve({ cwd: root, id: "alpha" });
    // beta's approval is voided by a later edit of its acceptance: it must not be implemented.
    await approve({ cwd: root, id: "beta" });
    writeFileSync(
      path.join(root, ".fleet/acceptance/beta.md"),
      readFileSync(path.join(root, ".fleet/acceptance/beta.md"), "utf8").replace(
        "the file exists",
        "the file is there",
      ),
    );
    await drain(c);
    expect(task(root, "beta")).toMatchObject({ phase: "implement", status: "ready" });
    const waiting = (await c.reconcile({ full: true })).waiting.find((w) => w.taskId === "beta");
    expect(waiting?.why).toMatch(/no current approval/);
    expect(task(root, "alpha")).toMatchObject({ phase: "ship", status: "ready" });
    const runs = readRuns(paths, "alpha").map((r) => r.record);
    expect(runs.map((r) => `${r.seq}-${r.phase}-${r.outcome}`)).toEqual([
      "1-research-finished",
      "2-plan-finished",
      "3-implement-finished",
    ]);
    const head = runs[2]?.head_commit ?? "";
    expect(gitOut(root, "rev-parse", "fleet/alpha")).toBe(head);
    expect(gitOut(root, "show", "--format=", "--name-only", head)).toBe("alpha.txt");
    expect(gitOut(root, "log", "-1", "--format=%(trailers:key=Fleet-Task,valueonly)", head)).toBe("alpha");
    const msg = gitOut(root, "log", "-1", "--format=%B", "HEAD");
    expect(msg).toMatch(/^fleet\(implement\): alpha implemented — Alpha idea/);
    expect(msg).toContain("Fleet-Agent: implementer (script)");
    expect(msg).toContain("Fleet-Run: 3");
    expect(msg).toContain("Fleet-Cost-USD: 0.0100");
    expect(task(root, "alpha").cost).toMatchObject({ usd: 0.03, input_tokens: 300 });
  });

  it("moves straight on to implement under review.plan: auto", async () => {
    const root = fleetRepo("review: { plan: auto }\n");
    dropIdea(root, "gamma", "---\nstatus: ready\n---\n# Gamma\n");
    const { c } = await coordinator(root, goodAgent, { executors: upToImplement() });
    await drain(c);
    expect(task(root, "gamma")).toMatchObject({ phase: "ship", status: "ready" });
  });

  it("fails an attempt whose acceptance has no check, feeds the reason back, and fails the task at max_attempts", async () => {
    const root = fleetRepo("max_attempts: 2\n");
    dropIdea(root, "delta", "---\nstatus: ready\n---\n# Delta\n");
    const prompts: string[] = [];
    const { c } = await coordinator(root, (req) => {
      if (req.phase !== "plan") return goodAgent(req);
      prompts.push(req.prompt);
      writeFileSync(path.join(req.outputDir, "plan.md"), "# Plan\n\nDo it.\n");
      writeFileSync(path.join(req.outputDir, "acceptance.md"), "---\nchecks: []\n---\n");
      return undefined;
    });
    await drain(c);
    const t = task(root, "delta");
    expect(t).toMatchObject({ phase: "plan", status: "failed", attempts: { research: 1, plan: 2 } });
    expect(t.reason).toMatch(
      /plan failed 2 times; last: acceptance\.md \(checks\): needs at least one check/,
    );
    expect(prompts[1]).toContain("## Feedback from the previous attempt");
    expect(prompts[1]).toContain("needs at least one check");
    expect(c.failed.has("delta")).toBe(true);
    expect(taskLog(root, "delta").slice(-2)).toEqual(["plan retrying", "plan failed"]);
  });

  it("blocks on question.md, and backs off on try-later without using an attempt", async () => {
    const root = fleetRepo();
    dropIdea(root, "asks", "---\nstatus: ready\n---\n# Asks\n");
    dropIdea(root, "busy", "---\nstatus: ready\n---\n# Busy\n");
    const { c } = await coordinator(root, (req) => {
      if (req.taskId === "asks") writeFileSync(path.join(req.outputDir, "question.md"), "Which database?\n");
      if (req.taskId === "busy")
        return { outcome: "try-later", exitCode: 75, reason: "usage limit", retryAfterMs: 3_600_000 };
      return undefined;
    });
    await drain(c);
    expect(task(root, "asks")).toMatchObject({
      phase: "research",
      status: "blocked",
      question: "Which database?",
    });
    expect(task(root, "busy")).toMatchObject({ phase: "research", status: "ready", attempts: {} });
    const claim = readClaim(path.join(root, ".git"), "busy");
    expect(Date.parse(claim?.retry_at ?? "")).toBeGreaterThan(Date.now() + 3_000_000);
    const again = await c.reconcile({ full: true });
    expect(again.started).toEqual([]);
    expect(again.waiting.find((w) => w.taskId === "busy")?.why).toMatch(/backed off until/);
    expect(readRuns(fleetPaths(root), "busy").map((r) => r.record.outcome)).toEqual(["try-later"]);
  });
});
