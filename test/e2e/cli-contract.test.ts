/** The CLI's contract: help for every command, documented exit codes, errors that say what, where and how. */
import { describe, expect, it } from "vitest";
import { fleetOk, runFleet } from "../helpers/run-fleet.js";
import { gitOut, tempDir, tempRepo, writeFile } from "../helpers/temp-repo.js";

const COMMANDS = [
  "init",
  "idea",
  "ls",
  "show",
  "ready",
  "approve",
  "reject",
  "answer",
  "drop",
  "merge",
  "retry",
  "log",
  "doctor",
];

describe("the fleet CLI", () => {
  it("lists every command in --help, and each has usage, an example and its exit codes", () => {
    const dir = tempDir();
    const help = fleetOk(dir, ["--help"]).stdout;
    for (const name of COMMANDS) {
      expect(help).toMatch(new RegExp(`^ {2}${name} `, "m"));
      const r = fleetOk(dir, [name, "--help"]);
      expect(r.stdout, name).toMatch(new RegExp(`^Usage: fleet ${name}`));
      expect(r.stdout, name).toMatch(/Examples?:/);
      expect(r.stdout, name).toMatch(/Exit codes: 0 /);
    }
  });

  it("uses the documented exit codes, with a hint on how to fix each error", () => {
    const outside = tempDir();
    const notRepo = runFleet(outside, ["ls"]);
    expect(notRepo).toMatchObject({
      code: 3,
      stderr: expect.stringMatching(/is not inside a git repository\n.*git init/),
    });
    const root = tempRepo();
    expect(runFleet(root, ["ls"])).toMatchObject({
      code: 3,
      stderr: expect.stringMatching(/no \.fleet\/ folder.*\nRun `fleet init`/),
    });
    expect(runFleet(root, ["frobnicate"]).code).toBe(2);
    fleetOk(root, ["init", "--no-check"]);
    expect(runFleet(root, ["ls", "--bogus"])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/fleet ls: .*--bogus[\s\S]*fleet ls --help/),
    });
    expect(runFleet(root, ["ls", "--phase", "later"])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--phase must be one of idea, research/),
    });
    expect(runFleet(root, ["show"])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/missing the task id/),
    });
    expect(runFleet(root, ["show", "../../etc/passwd"])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/is not a task id/),
    });
    expect(runFleet(root, ["show", "nope"])).toMatchObject({
      code: 3,
      stderr: expect.stringMatching(/no task nope/),
    });
    expect(runFleet(root, ["idea", "x", "--priority", "9"])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--priority must be a whole number from 0 to 3/),
    });
    expect(runFleet(root, ["drop", "x"])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/say why with -m/),
    });
    expect(runFleet(root, ["idea", "x", "--depends-on", "ghost"]).code).toBe(3);
    writeFile(root, ".fleet/queue/broken.md", "---\nid: broken\ntitle: x\nstatus: nope\n---\n");
    expect(runFleet(root, ["doctor"])).toMatchObject({
      code: 1,
      stdout: expect.stringMatching(/\.fleet\/queue\/broken\.md \(status\)\n {4}.*\n {4}fix: /),
    });
  });

  it("refuses to change state without a git identity, and says how to set one", () => {
    const root = tempRepo();
    fleetOk(root, ["init", "--no-check"]);
    gitOut(root, "config", "--unset", "user.name");
    const r = runFleet(root, ["idea", "x"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/git does not know who you are[\s\S]*git config --global user\.name/);
    expect(fleetOk(root, ["ls"]).stdout).toMatch(/No tasks yet/);
  });

  it("prints JSON on every read command", () => {
    const root = tempRepo();
    fleetOk(root, ["init", "--no-check"]);
    const { id } = JSON.parse(fleetOk(root, ["idea", "Something", "--json"]).stdout) as { id: string };
    expect(JSON.parse(fleetOk(root, ["ls", "--json"]).stdout)).toMatchObject({
      tasks: [{ id, phase: "idea", status: "draft" }],
      problems: [],
      hidden: 0,
    });
    expect(JSON.parse(fleetOk(root, ["show", id, "--json"]).stdout)).toMatchObject({
      task: { record: { id }, normalized: true },
      research: null,
      plan: null,
      acceptance: null,
      runs: [],
    });
    expect(JSON.parse(fleetOk(root, ["log", "--json", "-n", "1"]).stdout)).toMatchObject([
      { task: id, event: "created" },
    ]);
    expect(JSON.parse(fleetOk(root, ["doctor", "--json"]).stdout)).toMatchObject({ ok: true, problems: [] });
  });
});
