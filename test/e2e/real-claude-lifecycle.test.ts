/**
 * A task from idea to shipped with the real `claude` CLI (pinned devDependency) as researcher, planner
 * and implementer, driven by the built `fleet` CLI, answering from the scripted model server: Claude
 * Code reads and writes the files itself, through its own tools, under the phase's permissions; the
 * gates decide; `fleet cost` reports what the CLI reported. Then the failure classes end to end: a
 * 429 delays the task without using an attempt, a 401 blocks it with what to fix.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { gitOut } from "../helpers/temp-repo.js";
import {
  CLAUDE_AGENT as AGENT,
  claudeParentEnv,
  claudeRead,
  FAKE_ANTHROPIC_KEY,
  workFile as here,
  outputFile as out,
  claudeWrite as write,
} from "../support/agent-clis.js";
import {
  ACCEPTANCE_TEST,
  expectCode,
  frontmatter,
  GREET,
  GREET_DONE,
  makeProject,
  runRecords as runsOf,
  transcriptResult,
} from "../support/fleet-project.js";
import { type ScriptEntry, serveModelPerTest } from "../support/model-server.js";

const ID = "greet-with-comma";
const serve = serveModelPerTest();

/** What the scripted model does in each phase, in order: three claude conversations. */
const LIFECYCLE: ScriptEntry[] = [
  // research
  (r) => claudeRead(here(r, "src/greet.js")),
  (r) =>
    write(
      out(r, "research.md"),
      "# Research\n\n`src/greet.js` returns `'Hello ' + name`; no comma, no '!'.\n",
    ),
  { text: "Research written." },
  // plan
  (r) => write(out(r, "plan.md"), "# Plan\n\n1. In `src/greet.js`, return `'Hello, ' + name + '!'`.\n"),
  (r) =>
    write(
      out(r, "acceptance.md"),
      `---\nchecks:\n  - id: AC1\n    says: "greet('Ada') returns 'Hello, Ada!'"\n    run: node --test .fleet/acceptance/${ID}/greet.test.mjs\n---\nThe greeting has a comma and an exclamation mark.\n`,
    ),
  (r) => write(out(r, "acceptance/greet.test.mjs"), ACCEPTANCE_TEST),
  { text: "Plan and acceptance written." },
  // implement
  (r) => claudeRead(here(r, "src/greet.js")),
  (r) => write(here(r, "src/greet.js"), GREET_DONE),
  { text: "Implemented." },
];

const runRecords = (root: string) => runsOf(root, ID);

describe("a task from idea to shipped with the real claude CLI", () => {
  it("researches, plans, implements through Claude Code's own tools, passes the gates, ships, and reports the CLI's cost", {
    timeout: 300_000,
  }, async () => {
    const server = await serve({ anthropic: LIFECYCLE });
    const { root, fleet } = makeProject(AGENT);
    const env = claudeParentEnv(server);
    expectCode(
      await fleet([
        "idea",
        "Greet with a comma",
        "--id",
        ID,
        "--ready",
        "-m",
        "greet('Ada') should say 'Hello, Ada!'.",
      ]),
      0,
      "fleet idea",
    );

    expectCode(
      await fleet(["run", "--until-idle"], env),
      7,
      "fleet run (research, plan: the plan waits for you)",
    );
    expect(frontmatter(root, `.fleet/queue/${ID}.md`)).toMatchObject({
      phase: "plan",
      status: "awaiting-approval",
    });
    expect(readFileSync(path.join(root, `.fleet/research/${ID}.md`), "utf8")).toContain("no comma");
    // The planner named its test the way test runners look for tests: it is filed under a name they
    // skip, and the check runs it there.
    expect(readFileSync(path.join(root, `.fleet/acceptance/${ID}/greet.accept.mjs`), "utf8")).toBe(
      ACCEPTANCE_TEST,
    );
    expect(frontmatter(root, `.fleet/acceptance/${ID}.md`).checks).toEqual([
      expect.objectContaining({ run: `node --test .fleet/acceptance/${ID}/greet.accept.mjs` }),
    ]);
    expect(readFileSync(path.join(root, "src/greet.js"), "utf8")).toBe(GREET); // research and plan changed no code

    expectCode(await fleet(["approve", ID]), 0, "fleet approve");
    expectCode(await fleet(["run", "--until-idle"], env), 0, "fleet run (implement, ship)");

    const task = frontmatter(root, `.fleet/queue/${ID}.md`);
    expect(task).toMatchObject({ phase: "done" });
    expect(gitOut(root, "show", "main:src/greet.js")).toBe(GREET_DONE.trimEnd());
    expect(server.exhausted).toBe(0);

    // claude ran inside the fleet's sandbox, in every phase, and so did the gates.
    expect(runRecords(root).every((r) => r.sandbox === "bwrap")).toBe(true);

    // Every agent run records the cost the CLI itself reported, and the task adds them all up.
    const runs = runRecords(root).filter((r) => r.runner === "claude-code");
    expect(runs.map((r) => r.phase)).toEqual(["research", "plan", "implement"]);
    let sum = 0;
    for (const run of runs) {
      const reported = transcriptResult(root, run.log as string);
      expect(run.cost).toMatchObject({ usd: reported.total_cost_usd });
      expect(run.session_id).toBe(reported.session_id);
      expect(run.model).toBe("claude-sonnet-4-5");
      sum += reported.total_cost_usd as number;
    }
    expect((task.cost as { usd: number }).usd).toBeCloseTo(sum, 6);
    expect(sum).toBeGreaterThan(0);

    const report = JSON.parse(expectCode(await fleet(["cost", "--json"]), 0, "fleet cost").stdout);
    expect(report.total.usd).toBeCloseTo(sum, 6);
    expect(report.tasks[0]).toMatchObject({ key: ID, shipped: true, runs: runRecords(root).length });
    expect(report.agents.map((a: { key: string }) => a.key)).toContain(
      "implementer (claude-code, claude-sonnet-4-5)",
    );
    const text = expectCode(await fleet(["cost"]), 0, "fleet cost").stdout;
    expect(text).toContain("Shipped tasks");
    expect(text).toContain(ID);

    // No key anywhere in the repository's history or the transcripts.
    expect(gitOut(root, "log", "-p", "--all")).not.toContain(FAKE_ANTHROPIC_KEY);
  });

  it("a 429 delays the task without using an attempt, longer each time; a 401 blocks it saying what to set", {
    timeout: 300_000,
  }, async () => {
    let server = await serve({ fallback: { status: 429, message: "rate limited: try again in 90s" } });
    const { root, fleet } = makeProject(AGENT);
    expectCode(await fleet(["idea", "Greet with a comma", "--id", ID, "--ready"]), 0, "fleet idea");

    expectCode(await fleet(["run", "--until-idle"], claudeParentEnv(server)), 0, "fleet run (429)");
    const delayed = frontmatter(root, `.fleet/queue/${ID}.md`);
    expect(delayed).toMatchObject({ phase: "research", status: "ready" });
    expect(delayed.attempts).toEqual({});
    const [first] = runRecords(root);
    expect(first).toMatchObject({ outcome: "try-later", phase: "research" });
    const common = path.resolve(root, gitOut(root, "rev-parse", "--git-common-dir"));
    const claimFile = path.join(common, "fleet/claims", `${ID}.json`);
    const claim = JSON.parse(readFileSync(claimFile, "utf8"));
    const waitMs = Date.parse(claim.retry_at) - Date.parse(first?.finished as string);
    expect(waitMs).toBeGreaterThanOrEqual(90_000 - 1000); // at least what the API asked for

    // Once the back-off is over the task is tried again: a second 429 in a row waits longer.
    const expire = () => {
      const c = JSON.parse(readFileSync(claimFile, "utf8"));
      writeFileSync(claimFile, JSON.stringify({ ...c, retry_at: new Date(Date.now() - 1000).toISOString() }));
    };
    expire();
    expectCode(await fleet(["run", "--until-idle"], claudeParentEnv(server)), 0, "fleet run (429 again)");
    const second = runRecords(root)[1];
    expect(second).toMatchObject({ outcome: "try-later" });
    const again = JSON.parse(readFileSync(claimFile, "utf8"));
    expect(Date.parse(again.retry_at) - Date.parse(second?.finished as string)).toBeGreaterThanOrEqual(
      120_000 - 1000,
    );
    expect(frontmatter(root, `.fleet/queue/${ID}.md`).attempts).toEqual({});

    // Now the key is refused.
    expire();
    await server.close();
    server = await serve({ fallback: { status: 401, message: "invalid x-api-key" } });
    const refused = expectCode(
      await fleet(["run", "--until-idle"], claudeParentEnv(server)),
      7,
      "fleet run (401: blocked, your turn)",
    );
    // The event line and the closing list both say what to do next.
    expect(refused.stdout).toMatch(/→ research \/ blocked .*— your turn: fleet ready greet-with-comma$/m);
    expect(refused.stdout).toMatch(
      /^Your turn — 1 task waits for you:\n {2}greet-with-comma {2}\(research \/ blocked\) a problem to fix: .*ANTHROPIC_API_KEY.*\n {4}fleet ready greet-with-comma {3}fleet drop greet-with-comma -m "…"$/m,
    );
    const blocked = frontmatter(root, `.fleet/queue/${ID}.md`);
    expect(blocked).toMatchObject({ phase: "research", status: "blocked" });
    expect(blocked.reason).toContain("ANTHROPIC_API_KEY");
    expect(blocked.reason).toContain("claude auth login");
    expect(blocked.attempts).toEqual({});
  });
});
