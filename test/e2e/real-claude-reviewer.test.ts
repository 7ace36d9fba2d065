/**
 * The reviewer gate with the real `claude` CLI against the scripted model server: a 429 while it
 * reviews defers the gates without using an attempt, and the next attempt judges the same commit
 * again without running the implementer a second time; what the reviewer spent is in the run's cost.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { gitOut, writeFile } from "../helpers/temp-repo.js";
import {
  CLAUDE_AGENT as AGENT,
  claudeParentEnv,
  claudeRead,
  workFile as here,
  outputFile as out,
  claudeWrite as write,
} from "../support/agent-clis.js";
import {
  ACCEPTANCE_TEST,
  editFrontmatter,
  expectCode,
  frontmatter,
  GREET_DONE,
  makeProject,
  runRecords,
  transcriptResult,
} from "../support/fleet-project.js";
import { type ScriptEntry, serveModelPerTest } from "../support/model-server.js";

const ID = "greet-with-comma";
const serve = serveModelPerTest();

const SCRIPT: ScriptEntry[] = [
  // research
  (r) => write(out(r, "research.md"), "# Research\n\n`src/greet.js` has no comma.\n"),
  { text: "Research written." },
  // plan
  (r) => write(out(r, "plan.md"), "# Plan\n\n1. In `src/greet.js`, return `'Hello, ' + name + '!'`.\n"),
  (r) =>
    write(
      out(r, "acceptance.md"),
      `---\nchecks:\n  - id: AC1\n    says: "greet('Ada') returns 'Hello, Ada!'"\n    run: node --test .fleet/acceptance/${ID}/greet.test.mjs\n---\n`,
    ),
  (r) => write(out(r, "acceptance/greet.test.mjs"), ACCEPTANCE_TEST),
  { text: "Plan written." },
  // implement (Claude Code's Write refuses a file it has not read)
  (r) => claudeRead(here(r, "src/greet.js")),
  (r) => write(here(r, "src/greet.js"), GREET_DONE),
  { text: "Implemented." },
  // the reviewer, first time: rate limited
  { status: 429, message: "rate limited: try again in 90s" },
  // the reviewer, after the back-off
  (r) => write(out(r, "review.md"), "---\nverdict: approve\n---\nThe comma and the '!' are there.\n"),
  { text: "Reviewed." },
];

const runs = (root: string) => runRecords(root, ID);
const reportedUsd = (root: string, logRel: string) => transcriptResult(root, logRel).total_cost_usd as number;

describe("the reviewer gate with the real claude CLI", () => {
  it("a 429 from the reviewer defers the gates, uses no attempt, and the next attempt only judges", {
    timeout: 300_000,
  }, async () => {
    const server = await serve({ anthropic: SCRIPT, fallback: { status: 500, message: "script over" } });
    const { root, fleet } = makeProject(AGENT);
    writeFile(
      root,
      ".fleet/agents/reviewer.md",
      "---\nrunner: claude-code\n---\nYou are a skeptical reviewer.\n",
    );
    editFrontmatter(root, ".fleet/agents/reviewer.md", (a) => ({ ...a, ...AGENT }));
    writeFile(root, ".fleet/gates/review.md", "---\nkind: agent\nagent: reviewer\n---\nA second look.\n");
    editFrontmatter(root, ".fleet/config.md", (c) => ({
      ...c,
      gates: { implement: ["review", "acceptance"], ship: ["acceptance"] },
    }));
    gitOut(root, "add", "-A");
    gitOut(root, "commit", "-q", "-m", "a reviewer gate on claude");
    const env = claudeParentEnv(server);

    expectCode(await fleet(["idea", "Greet with a comma", "--id", ID, "--ready"]), 0, "fleet idea");
    expectCode(
      await fleet(["run", "--until-idle"], env),
      7,
      "fleet run (research, plan: the plan waits for you)",
    );
    expectCode(await fleet(["approve", ID]), 0, "fleet approve");
    expectCode(await fleet(["run", "--until-idle"], env), 0, "fleet run (implement, reviewer 429)");

    const deferred = frontmatter(root, `.fleet/queue/${ID}.md`);
    expect(deferred).toMatchObject({ phase: "implement", status: "ready" });
    expect(deferred.attempts).not.toHaveProperty("implement");
    const first = runs(root).at(-1) as Record<string, unknown>;
    expect(first).toMatchObject({ phase: "implement", outcome: "try-later" });
    expect((first.gates as { gate: string; verdict: string }[]).map((g) => [g.gate, g.verdict])).toEqual([
      ["review", "try-later"],
      ["acceptance", "skipped"],
    ]);
    expect(first.reason).toContain("gate review will run again later");
    const implementerUsd = reportedUsd(root, first.log as string);
    expect((first.cost as { usd: number }).usd).toBeCloseTo(implementerUsd, 6);

    const common = path.resolve(root, gitOut(root, "rev-parse", "--git-common-dir"));
    const claimFile = path.join(common, "fleet/claims", `${ID}.json`);
    const claim = JSON.parse(readFileSync(claimFile, "utf8"));
    expect(Date.parse(claim.retry_at) - Date.parse(first.finished as string)).toBeGreaterThanOrEqual(89_000);

    // The back-off is over: the same commit is judged again, and the implementer is not asked again.
    writeFileSync(
      claimFile,
      JSON.stringify({ ...claim, retry_at: new Date(Date.now() - 1000).toISOString() }),
    );
    const before = server.answered.anthropic;
    expectCode(await fleet(["run", "--until-idle"], env), 0, "fleet run (review again, ship)");
    expect(server.answered.anthropic - before).toBe(2); // the reviewer's two turns only
    expect(server.exhausted).toBe(0);

    const task = frontmatter(root, `.fleet/queue/${ID}.md`);
    expect(task).toMatchObject({ phase: "done", attempts: { implement: 1, ship: 1 } });
    expect(gitOut(root, "show", "main:src/greet.js")).toBe(GREET_DONE.trimEnd());
    const judged = runs(root).find((r) => r.phase === "implement" && r.outcome === "finished");
    if (!judged) throw new Error("no implement run finished");
    expect(judged.head_commit).toBe(first.head_commit);
    const review = (judged.gates as { gate: string; verdict: string; log: string }[])[0];
    expect(review).toMatchObject({ gate: "review", verdict: "pass" });
    const reviewerUsd = reportedUsd(root, review?.log as string);
    expect(reviewerUsd).toBeGreaterThan(0);
    expect((judged.cost as { usd: number }).usd).toBeCloseTo(reviewerUsd, 6);
    expect((task.cost as { usd: number }).usd).toBeGreaterThan(implementerUsd + reviewerUsd - 1e-6);
  });
});
