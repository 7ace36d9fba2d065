/**
 * Budgets end to end with the real `claude` CLI: the per-attempt budget is handed to Claude Code
 * (`--max-budget-usd`), which stops itself; once a task's runs have spent the per-task budget the
 * daemon no longer claims it, and once the day's runs have spent the daily budget it claims nothing
 * new — saying why each time.
 */
import { describe, expect, it } from "vitest";
import { gitOut } from "../helpers/temp-repo.js";
import { CLAUDE_AGENT as AGENT, claudeParentEnv } from "../support/agent-clis.js";
import {
  editFrontmatter,
  expectCode,
  frontmatter,
  makeProject,
  runRecords as runs,
} from "../support/fleet-project.js";
import { serveModelPerTest } from "../support/model-server.js";

const serve = serveModelPerTest();

describe("budgets with the real claude CLI", () => {
  it("stops an attempt at its budget, a task at its budget, and the fleet at the day's budget", {
    timeout: 300_000,
  }, async () => {
    // Every turn reads 100k tokens: $0.3015 at claude-sonnet-4-5's prices, far over the attempt budget.
    const server = await serve({
      fallback: {
        tools: [{ name: "Glob", input: { pattern: "*" } }],
        usage: { input_tokens: 100_000, output_tokens: 100 },
      },
    });
    const { root, fleet } = makeProject(AGENT);
    editFrontmatter(root, ".fleet/config.md", (c) => ({
      ...c,
      max_attempts: 3,
      budgets: { per_attempt_usd: 0.01, per_task_usd: 0.5, per_day_usd: 0.9 },
    }));
    gitOut(root, "commit", "-q", "-am", "budgets");
    const env = claudeParentEnv(server);

    expectCode(await fleet(["idea", "Spendy", "--id", "spendy", "--ready"]), 0, "fleet idea");
    const first = expectCode(await fleet(["run", "--until-idle"], env), 0, "fleet run (task budget)");
    const a = runs(root, "spendy");
    expect(a.map((r) => r.outcome)).toEqual(["failed", "failed"]);
    for (const r of a) {
      expect(r.reason).toContain("per-attempt budget of $0.01");
      expect((r.cost as { usd: number }).usd).toBeGreaterThan(0.3);
    }
    expect(frontmatter(root, ".fleet/queue/spendy.md")).toMatchObject({
      phase: "research",
      status: "ready",
      attempts: { research: 2 },
    });
    expect(first.stdout).toMatch(/spendy .*budget .*not started again: its runs cost \$0\.60.*per_task_usd/);

    expectCode(await fleet(["idea", "Thrifty", "--id", "thrifty", "--ready"]), 0, "fleet idea");
    const second = expectCode(await fleet(["run", "--until-idle"], env), 0, "fleet run (day budget)");
    expect(runs(root, "thrifty").map((r) => r.outcome)).toEqual(["failed"]);
    expect(second.stdout).toMatch(/budget .*no new work: today's runs cost \$0\.90.*per_day_usd/);
    expect(frontmatter(root, ".fleet/queue/thrifty.md")).toMatchObject({
      status: "ready",
      attempts: { research: 1 },
    });
  });
});
