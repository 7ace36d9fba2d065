import { describe, expect, it } from "vitest";
import { answer } from "../../src/commands/answer.js";
import { drop } from "../../src/commands/drop.js";
import { init } from "../../src/commands/init.js";
import { merge } from "../../src/commands/merge.js";
import { ready } from "../../src/commands/ready.js";
import { retry } from "../../src/commands/retry.js";
import { fleetPaths } from "../../src/store/paths.js";
import { readTask } from "../../src/store/read-tasks.js";
import { commitFleetDir, writeTaskFile } from "../helpers/fleet-fixtures.js";
import { gitOut, tempRepo, writeFile } from "../helpers/temp-repo.js";

const NOW = new Date("2026-11-21T08:00:00Z");

function load(root: string, id: string) {
  const r = readTask(fleetPaths(root), id);
  if (!r?.ok) throw new Error(`task ${id} did not load`);
  return r.task;
}

describe("state changes a person makes", () => {
  it("ready: writes full frontmatter for a hand-dropped idea and commits it", async () => {
    const root = tempRepo();
    await init({ cwd: root });
    writeFile(root, ".fleet/queue/dark-mode.md", "# Dark mode\n\nEyes hurt at night.\n");
    const result = await ready({ cwd: root, id: "dark-mode", now: NOW });
    expect(result).toMatchObject({
      from: { phase: "idea", status: "draft" },
      to: { phase: "idea", status: "ready" },
    });
    const task = load(root, "dark-mode");
    expect(task.normalized).toBe(true);
    expect(task.record).toMatchObject({
      id: "dark-mode",
      title: "Dark mode",
      created: "2026-11-21T08:00:00Z",
    });
    expect(task.body).toBe("# Dark mode\n\nEyes hurt at night.\n");
    expect(gitOut(root, "status", "--porcelain")).toBe("");
    await expect(ready({ cwd: root, id: "dark-mode" })).rejects.toMatchObject({ code: "conflict" });
  });

  it("answer, drop and retry each make one commit with the right trailers", async () => {
    const root = tempRepo();
    await init({ cwd: root });
    writeTaskFile(root, { id: "q", phase: "plan", status: "blocked", question: "Per key or per IP?" });
    writeTaskFile(root, { id: "d", phase: "implement", status: "running" });
    writeTaskFile(root, {
      id: "f",
      phase: "implement",
      status: "failed",
      attempts: { implement: 3 },
      reason: "gate test failed 3 times",
    });
    commitFleetDir(root);

    await answer({ cwd: root, id: "q", answer: "Per key.", now: NOW });
    expect(load(root, "q").record).toMatchObject({
      status: "ready",
      question: null,
      answers: [{ question: "Per key or per IP?", answer: "Per key." }],
    });
    expect(gitOut(root, "log", "-1", "--format=%b")).toMatch(
      /^Q: Per key or per IP\?\nA: Per key\.\n\nFleet-Task: q\nFleet-Phase: plan\nFleet-Event: answered/,
    );

    await drop({ cwd: root, id: "d", reason: "Superseded.", now: NOW });
    expect(load(root, "d").record).toMatchObject({ phase: "dropped", reason: "Superseded." });
    expect(gitOut(root, "log", "-1", "--format=%s")).toBe("fleet(implement): d dropped — Task d");

    await retry({ cwd: root, id: "f", now: NOW });
    expect(load(root, "f").record).toMatchObject({
      phase: "implement",
      status: "ready",
      attempts: { implement: 0 },
      reason: null,
    });
    expect(gitOut(root, "log", "-1", "--format=%(trailers:key=Fleet-Event,valueonly)")).toBe("retried");
    expect(gitOut(root, "status", "--porcelain")).toBe("");
  });

  it("merge: folds the body in, moves dependencies, one commit for all files", async () => {
    const root = tempRepo();
    await init({ cwd: root });
    writeTaskFile(root, { id: "s", title: "Throttle logins" }, "Logins are hammered.\n");
    writeTaskFile(root, { id: "t", title: "Rate-limit" }, "Limit calls.\n");
    writeTaskFile(root, { id: "dep", depends_on: ["s"] });
    commitFleetDir(root);
    const result = await merge({ cwd: root, id: "s", into: "t", now: NOW });
    expect(result).toMatchObject({ into: "t", dependents: ["dep"], to: { phase: "dropped" } });
    expect(load(root, "s").record.merged_into).toBe("t");
    expect(load(root, "t").body).toBe(
      "Limit calls.\n\n## Merged from s: Throttle logins\n\nLogins are hammered.\n",
    );
    expect(load(root, "dep").record.depends_on).toEqual(["t"]);
    expect(gitOut(root, "show", "--name-only", "--format=", "HEAD").split("\n").sort()).toEqual([
      ".fleet/queue/dep.md",
      ".fleet/queue/s.md",
      ".fleet/queue/t.md",
    ]);
    expect(gitOut(root, "log", "-1", "--format=%s%n%b")).toMatch(
      /^fleet\(idea\): s merged — Throttle logins\nMerged into t — Rate-limit\n/,
    );
  });

  it("an invalid task file is reported with its field and left byte for byte as it was", async () => {
    const root = tempRepo();
    await init({ cwd: root });
    const text = "---\nid: broken\ntitle: Broken\npriority: urgent\n---\nbody\n";
    writeFile(root, ".fleet/queue/broken.md", text);
    await expect(ready({ cwd: root, id: "broken" })).rejects.toMatchObject({
      code: "invalid",
      message: expect.stringMatching(/\.fleet\/queue\/broken\.md \(priority\)/),
    });
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(`${root}/.fleet/queue/broken.md`, "utf8")).toBe(text);
  });
});
