/**
 * "Your turn" end to end: a plan waiting for approval and a task out of attempts, through the built
 * CLI — `fleet run --until-idle`'s exit code and closing list, the event lines' next command, and
 * `fleet show` of the failed task with its failing gate's output and logs.
 */
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runFleet } from "../helpers/run-fleet.js";
import { gitOut, writeFile } from "../helpers/temp-repo.js";
import { dropIdea, e2eFleet } from "./daemon-helpers.js";

describe("your turn", () => {
  it("fleet run --until-idle exits 7 with a plan to approve, and names the command", () => {
    const f = e2eFleet();
    dropIdea(f.root, "needs-eyes");
    const r = runFleet(f.root, ["run", "--until-idle"]);
    expect(r.code).toBe(7);
    expect(r.stdout).toMatch(
      /proposed .*→ plan \/ awaiting-approval {2}— your turn: fleet approve needs-eyes$/m,
    );
    expect(r.stdout).toContain(
      'Your turn — 1 task waits for you:\n  needs-eyes  (plan / awaiting-approval) a plan to review\n    fleet show needs-eyes   fleet approve needs-eyes   fleet reject needs-eyes -m "…"',
    );
    const json = runFleet(f.root, ["run", "--until-idle", "--json"]);
    expect(json.code).toBe(7);
    const last = JSON.parse(json.stdout.trim().split("\n").at(-1) ?? "{}");
    expect(last).toMatchObject({
      event: "your-turn",
      tasks: [{ id: "needs-eyes", waitsFor: "a plan to review" }],
    });
  });

  it("fleet show of a failed task gives the failing gate's output, the logs and the commands", () => {
    const f = e2eFleet();
    writeFile(
      f.root,
      ".fleet/config.md",
      // sandbox: off like every e2eFleet: its fake agent reports through a log outside its checkout.
      "---\nsandbox: off\nmax_attempts: 1\nreview: { plan: auto }\ngates: { implement: [test], ship: [] }\n---\n",
    );
    writeFile(
      f.root,
      ".fleet/gates/test.md",
      // Green on the base commit (so the baseline passes), red on the implementer's change (red.txt).
      "---\nkind: command\nrun: \"if [ -f red.txt ]; then echo 'expected 2, got 3'; exit 1; fi\"\n---\n",
    );
    gitOut(f.root, "add", ".fleet");
    gitOut(f.root, "commit", "-q", "-m", "a red test gate");
    dropIdea(f.root, "red");
    const r = runFleet(f.root, ["run", "--until-idle"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/failed .*→ implement \/ failed .* {2}— your turn: fleet retry red$/m);
    const shown = runFleet(f.root, ["show", "red"]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^── last failure \(run 003, implement\)$/m);
    expect(shown.stdout).toMatch(/^ {2}gate test: fail {3}full output: (\S+)$/m);
    expect(shown.stdout).toMatch(/^ {4}\| expected 2, got 3$/m);
    const log = /full output: (\S+)/.exec(shown.stdout)?.[1] ?? "";
    expect(existsSync(log)).toBe(true);
    expect(shown.stdout).toMatch(
      /── your turn: out of attempts: .*\n {2}fleet show red\n {2}fleet retry red\n {2}fleet drop red -m "…"/,
    );
    const json = JSON.parse(runFleet(f.root, ["show", "red", "--json"]).stdout);
    expect(json.last_failure).toMatchObject({ phase: "implement", gate: { gate: "test", verdict: "fail" } });
  });
});
