import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { AgentRunRequest, AgentRunResult, Runner } from "../../src/agents/types.js";
import { agentGateRunner } from "../../src/gates/agent-gate.js";
import type { Loaded } from "../../src/store/read-file.js";
import { type Agent, agentSchema } from "../../src/store/schemas/agent.js";
import { writeFile } from "../helpers/temp-repo.js";
import { commitFiles, GOOD_GREET, gateProject, judge } from "./fixture.js";

const reviewer: Loaded<Agent> = {
  record: agentSchema.parse({ runner: "command", command: ["true"] }),
  body: "You are a skeptical reviewer.",
  file: ".fleet/agents/reviewer.md",
};

function finished(): AgentRunResult {
  return {
    outcome: "finished",
    exitCode: 0,
    reason: null,
    durationMs: 1,
    cost: { usd: null, input_tokens: null, output_tokens: null },
    sessionId: null,
    retryAfterMs: null,
    finalMessage: null,
  };
}

/** A runner that writes `review` as review.md, records the request, and scribbles in its checkout. */
function fakeRunner(review: string | null, seen: AgentRunRequest[]): Runner {
  return async (req) => {
    seen.push(req);
    writeFileSync(path.join(req.cwd, "src/greet.js"), "scribbled by the reviewer\n");
    if (review !== null) writeFileSync(path.join(req.outputDir, "review.md"), review);
    return finished();
  };
}

async function review(review: string | null) {
  const { root, repo, base } = await gateProject();
  writeFile(root, ".fleet/gates/review.md", "---\nkind: agent\nagent: reviewer\n---\n");
  const candidate = commitFiles(root, base, { "src/greet.js": GOOD_GREET });
  const seen: AgentRunRequest[] = [];
  const report = await judge(repo, {
    names: ["review", "acceptance"],
    candidate,
    base,
    label: "r",
    agentGate: agentGateRunner({
      agents: new Map([["reviewer", reviewer]]),
      getRunner: () => fakeRunner(review, seen),
      title: "Greet Ada",
      taskBody: "Make greet say hello.\n",
      plan: "Change src/greet.js to return a greeting with the name.",
      checks: [{ id: "AC1", says: "greets Ada", run: "node --test x" }],
      epoch: 4,
      attempt: 2,
      parentEnv: process.env,
      maxBudgetUsd: null,
      prices: {},
    }),
  });
  return { report, seen };
}

describe("agent gate (reviewer)", () => {
  it("passes on `verdict: approve`, after showing the reviewer the plan and the diff", async () => {
    const { report, seen } = await review("---\nverdict: approve\n---\nLooks right.\n");
    expect(report.outcome).toBe("passed");
    expect(report.results.map((r) => [r.gate, r.kind, r.verdict])).toEqual([
      ["review", "agent", "pass"],
      ["acceptance", "acceptance", "pass"],
    ]);
    expect(report.results[0]?.output_tail).toContain("Looks right.");
    const req = seen[0] as AgentRunRequest;
    expect(req.phase).toBe("review");
    expect(req.epoch).toBe(4);
    expect(req.prompt).toContain("You are a skeptical reviewer.");
    expect(req.prompt).toContain("Change src/greet.js to return");
    expect(req.prompt).toContain("+  return `Hello, $" + "{name}!`;");
    expect(req.prompt).toContain("- AC1: greets Ada");
    expect(existsSync(req.outputDir)).toBe(false);
  });

  it("fails on `verdict: changes` with the findings as feedback", async () => {
    const { report } = await review(
      "---\nverdict: changes\n---\n- src/greet.js: no test for an empty name.\n",
    );
    expect(report.outcome).toBe("failed");
    expect(report.feedback).toContain("the reviewer `reviewer` asked for changes");
    expect(report.feedback).toContain("- src/greet.js: no test for an empty name.");
    expect(report.results.map((r) => r.verdict)).toEqual(["fail", "skipped"]);
  });

  it("is an error, not the candidate's fault, when no verdict is written", async () => {
    const missing = await review(null);
    expect(missing.report.outcome).toBe("error");
    expect(missing.report.reason).toContain("the reviewer wrote no review.md");
    const bad = await review("---\nverdict: maybe\n---\n");
    expect(bad.report.outcome).toBe("error");
    expect(bad.report.reason).toContain('found "maybe"');
  });
});
