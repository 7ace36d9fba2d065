/**
 * Every state-changing command, run through the built CLI on tasks in the state it acts on, while the
 * person has staged, unstaged and untracked work of their own: each makes exactly one commit holding
 * only .fleet/ files, readable back from git log, and the person's work stays exactly as it was.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { commitFleetDir, writePlanFiles, writeTaskFile } from "../helpers/fleet-fixtures.js";
import { fleetOk, runFleet } from "../helpers/run-fleet.js";
import { gitOut, tempRepo, writeFile } from "../helpers/temp-repo.js";

function personWork(root: string) {
  const outside = ["--", ".", ":(exclude).fleet"];
  return [
    gitOut(root, "diff", "--cached", ...outside),
    gitOut(root, "diff", ...outside),
    gitOut(root, "ls-files", "--others", "--exclude-standard", ...outside),
    readFileSync(`${root}/src/app.ts`, "utf8"),
  ];
}

describe("every command a person runs", () => {
  it("makes one .fleet-only commit with trailers and leaves the person's work alone", () => {
    const root = tempRepo();
    fleetOk(root, ["init", "--no-check"]);
    writeTaskFile(root, { id: "draft-idea" });
    writeTaskFile(root, { id: "planned", title: "Planned", phase: "plan", status: "awaiting-approval" });
    writePlanFiles(root, "planned");
    writeTaskFile(root, { id: "replan", phase: "plan", status: "awaiting-approval" });
    writePlanFiles(root, "replan");
    writeTaskFile(root, { id: "held", phase: "ship", status: "awaiting-approval" });
    writePlanFiles(root, "held");
    writeTaskFile(root, { id: "asks", phase: "implement", status: "blocked", question: "Which database?" });
    writeTaskFile(root, { id: "failed", phase: "implement", status: "failed", attempts: { implement: 3 } });
    writeTaskFile(root, { id: "dup", title: "Duplicate" }, "Same as draft-idea.\n");
    writeTaskFile(root, { id: "unwanted" });
    commitFleetDir(root);

    writeFile(root, "src/app.ts", "staged\n");
    gitOut(root, "add", "src/app.ts");
    writeFile(root, "src/app.ts", "staged\nand unstaged\n");
    writeFile(root, "README.md", "# changed\n");
    writeFile(root, "scratch.txt", "untracked\n");
    const mine = personWork(root);

    const steps: [string[], string, string][] = [
      [["idea", "New idea", "--ready"], "idea", "created"],
      [["ready", "draft-idea"], "draft-idea", "ready"],
      [["approve", "planned"], "planned", "approved"],
      [["reject", "replan", "-m", "Smaller steps."], "replan", "rejected"],
      [["approve", "held"], "held", "approved"],
      [["answer", "asks", "Postgres."], "asks", "answered"],
      [["retry", "failed"], "failed", "retried"],
      [["merge", "dup", "--into", "draft-idea"], "dup", "merged"],
      [["drop", "unwanted", "-m", "No."], "unwanted", "dropped"],
    ];
    for (const [args, task, event] of steps) {
      const before = gitOut(root, "rev-parse", "HEAD");
      const r = fleetOk(root, [...args, "--json"]);
      const out = JSON.parse(r.stdout) as { id: string; commit: string };
      expect(gitOut(root, "rev-parse", "HEAD^"), args.join(" ")).toBe(before);
      expect(out.commit).toBe(gitOut(root, "rev-parse", "HEAD"));
      const files = gitOut(root, "show", "--name-only", "--format=", "HEAD").split("\n");
      expect(
        files.every((f) => f.startsWith(".fleet/")),
        files.join(","),
      ).toBe(true);
      const trailers = gitOut(root, "log", "-1", "--format=%(trailers:only,unfold)");
      expect(trailers).toMatch(new RegExp(`^Fleet-Task: ${task === "idea" ? out.id : task}$`, "m"));
      expect(trailers).toMatch(new RegExp(`^Fleet-Event: ${event}$`, "m"));
      expect(trailers).toMatch(/^Fleet-By: Ada Lovelace <ada@example\.com>$/m);
      expect(personWork(root), args.join(" ")).toEqual(mine);
      expect(gitOut(root, "status", "--porcelain", "--", ".fleet"), args.join(" ")).toBe("");
    }

    const board = JSON.parse(fleetOk(root, ["ls", "--all", "--json"]).stdout) as {
      tasks: { id: string; phase: string; status: string }[];
    };
    const states = Object.fromEntries(board.tasks.map((t) => [t.id, `${t.phase} / ${t.status}`]));
    expect(states).toMatchObject({
      "draft-idea": "idea / ready",
      planned: "implement / ready",
      replan: "plan / ready",
      held: "ship / ready",
      asks: "implement / ready",
      failed: "implement / ready",
      dup: "dropped / ready",
      unwanted: "dropped / ready",
    });
    const story = JSON.parse(fleetOk(root, ["log", "planned", "--json"]).stdout) as {
      event: string;
      body: string;
    }[];
    expect(story.map((e) => e.event)).toEqual(["approved"]);
    expect(story[0]?.body).toMatch(/^Plan approved, sha256 [0-9a-f]{64}$/);
    const show = JSON.parse(fleetOk(root, ["show", "planned", "--json"]).stdout);
    expect(show.plan.approval).toBe("valid");
    expect(show.acceptance.files).toEqual([".fleet/acceptance/planned/limit.test.mjs"]);
    expect(fleetOk(root, ["doctor"]).stdout).toMatch(/no problems/);
  });

  it("refuses what the state does not allow with exit 4 and changes nothing", () => {
    const root = tempRepo();
    fleetOk(root, ["init", "--no-check"]);
    writeTaskFile(root, { id: "idea1" });
    commitFleetDir(root);
    const head = gitOut(root, "rev-parse", "HEAD");
    for (const args of [
      ["approve", "idea1"],
      ["reject", "idea1", "-m", "x"],
      ["answer", "idea1", "x"],
      ["retry", "idea1"],
      ["merge", "idea1", "--into", "idea1"],
    ]) {
      const r = runFleet(root, args);
      expect(r.code, args.join(" ")).toBe(args[0] === "merge" ? 2 : 4);
      expect(r.stderr).toMatch(/^fleet: /);
    }
    expect(gitOut(root, "rev-parse", "HEAD")).toBe(head);
    expect(gitOut(root, "status", "--porcelain")).toBe("");
  });
});
