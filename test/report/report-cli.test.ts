/** `fleet report` and the report `fleet watch` / `fleet run` leave behind, on a real night of scripted agents (built CLI). */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/report/summarize.js";
import { fleetPaths } from "../../src/store/paths.js";
import { readTask } from "../../src/store/read-tasks.js";
import { startFleet, waitFor } from "../e2e/daemon-helpers.js";
import { commitFleetDir } from "../helpers/fleet-fixtures.js";
import { fleetOk, runFleet } from "../helpers/run-fleet.js";
import { gitOut, tempRepo, writeFile } from "../helpers/temp-repo.js";

/** A repository with scripted agents, plans approved automatically, no gates, and `extra` config lines. */
function night(extra = ""): string {
  const root = tempRepo();
  fleetOk(root, ["init", "--no-check"]);
  writeFile(
    root,
    ".fleet/config.md",
    `---\nrescan: 2s\nreview: { plan: auto }\ngates: { implement: [], ship: [] }\n${extra}---\n`,
  );
  for (const name of ["researcher", "planner", "implementer"]) {
    writeFile(root, `.fleet/agents/${name}.md`, `---\nrunner: script\n---\nYou are the ${name}.\n`);
  }
  writeFile(root, ".fleet/queue/ship-it.md", "---\nstatus: ready\n---\n# Ship it\n\nA small change.\n");
  writeFile(
    root,
    ".fleet/queue/ask-first.md",
    '---\nstatus: ready\n---\n# Ask first\n\n```fleet-script\nresearch:\n  question: "Redis or Postgres?"\n```\n',
  );
  commitFleetDir(root);
  return root;
}

function state(root: string, id: string): string {
  const r = readTask(fleetPaths(root), id);
  return r?.ok ? `${r.task.record.phase} / ${r.task.record.status}` : "missing";
}

describe("fleet report (built CLI)", () => {
  it("says what shipped with its diff size, what waits with the next command, and writes report.file after the drain", () => {
    const root = night("report: { file: night/report.md }\n");
    const ran = runFleet(root, ["run", "--until-idle"]);
    // 7: the drain ends with a task waiting for a person (its question).
    expect(ran.code, ran.stdout + ran.stderr).toBe(7);
    const r = JSON.parse(fleetOk(root, ["report", "--json"]).stdout) as Report;
    const shippedCommit = gitOut(root, "log", "-1", "--format=%H", "--grep=^Fleet-Event: shipped$");
    expect(shippedCommit).not.toBe("");
    expect(r.shipped).toHaveLength(1);
    expect(r.shipped[0]).toMatchObject({ id: "ship-it", title: "Ship it" });
    const stat = gitOut(root, "show", "--shortstat", "--format=", r.shipped[0]?.commit ?? "");
    expect(stat).toMatch(new RegExp(`^${r.shipped[0]?.size?.files} files? changed`));
    expect(r.waiting).toMatchObject([
      {
        id: "ask-first",
        phase: "research",
        status: "blocked",
        why: "asks: Redis or Postgres?",
        next: 'fleet answer ask-first "…"',
      },
    ]);
    expect(r.phases.map((p) => p.phase)).toEqual(["research", "plan", "implement", "ship"]);
    expect(r.runs.total).toBeGreaterThanOrEqual(4);

    const file = path.join(root, "night/report.md");
    expect(existsSync(file)).toBe(true);
    const md = readFileSync(file, "utf8");
    expect(md).toMatch(/^# Fleet report, /);
    expect(md).toContain("## Shipped (1)\n- `ship-it` Ship it — `");
    expect(md).toContain('Next: `fleet answer ask-first "…"`');
    expect(gitOut(root, "status", "--porcelain", "--", ".fleet")).toBe("");

    expect(fleetOk(root, ["report", "--since", "2d"]).stdout).toMatch(
      /^fleet report, .*\n\nShipped \(1\):\n {2}ship-it Ship it/,
    );
    expect(runFleet(root, ["report", "--since", "yesterday"])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--since must be a duration/),
    });
  });

  it("fleet watch prints the report when it stops", async () => {
    const root = night();
    const daemon = startFleet(root, ["watch"]);
    await waitFor("ship-it to ship", () => state(root, "ship-it") === "done / ready");
    daemon.child.kill("SIGTERM");
    expect(await daemon.exited).toBe(0);
    expect(daemon.out()).toMatch(
      /fleet report, [\s\S]*Shipped \(1\):\n {2}ship-it Ship it[\s\S]*Waiting for you \(1\):\n {2}ask-first/,
    );
  });
});
