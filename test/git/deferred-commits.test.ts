import { describe, expect, it } from "vitest";
import { commitFleet, flushDeferred } from "../../src/git/commit-fleet.js";
import { deferredTasks } from "../../src/git/deferred-commits.js";
import { readLog } from "../../src/git/read-log.js";
import { findRepo } from "../../src/git/repo.js";
import { gitOut, tempRepo, writeFile } from "../helpers/temp-repo.js";

const researched = {
  task: "a",
  phase: "research",
  event: "researched",
  title: "Task A",
  agent: "researcher (script)",
  run: 1,
  epoch: 1,
  costUsd: 0.25,
};

describe("deferred commits", () => {
  it("are carried by the task's next commit, named in Fleet-Carried, and listed by readLog", async () => {
    const root = tempRepo();
    const repo = await findRepo(root);
    writeFile(root, ".fleet/queue/a.md", "# A research done\n");
    writeFile(root, ".fleet/research/a.md", "# Found\n");
    writeFile(root, ".fleet/queue/b.md", "# B\n");
    expect(
      await commitFleet(repo, {
        event: researched,
        paths: [".fleet/queue/a.md", ".fleet/research/a.md"],
        defer: true,
      }),
    ).toBeNull();
    expect(gitOut(root, "rev-list", "--count", "HEAD")).toBe("1");
    // Another task's commit does not carry a's files.
    await commitFleet(repo, {
      event: { task: "b", phase: "idea", event: "created" },
      paths: [".fleet/queue/b.md"],
    });
    expect(gitOut(root, "ls-tree", "-r", "--name-only", "HEAD", ".fleet")).toBe(".fleet/queue/b.md");
    expect(deferredTasks(repo.commonDir)).toEqual(["a"]);
    writeFile(root, ".fleet/plans/a.md", "# Plan\n");
    writeFile(root, ".fleet/queue/a.md", "# A proposed\n");
    const sha = await commitFleet(repo, {
      event: { task: "a", phase: "plan", event: "proposed", title: "Task A", run: 2 },
      paths: [".fleet/queue/a.md", ".fleet/plans/a.md"],
    });
    expect(sha).not.toBeNull();
    expect(gitOut(root, "show", "--name-only", "--format=", "HEAD").split("\n").sort()).toEqual([
      ".fleet/plans/a.md",
      ".fleet/queue/a.md",
      ".fleet/research/a.md",
    ]);
    const msg = gitOut(root, "log", "-1", "--format=%B");
    expect(msg).toContain("Also records research researched (run 1), not committed alone.");
    expect(msg).toContain(
      "Fleet-Carried: research researched run=1 epoch=1 cost=0.2500 agent=researcher (script)",
    );
    expect(deferredTasks(repo.commonDir)).toEqual([]);
    expect(gitOut(root, "status", "--porcelain")).toBe("");
    const story = (await readLog(root, { task: "a" })).map((e) => [
      e.phase,
      e.event,
      e.run,
      e.carried,
      e.commit,
    ]);
    expect(story).toEqual([
      ["research", "researched", 1, true, sha],
      ["plan", "proposed", 2, false, sha],
    ]);
    expect((await readLog(root, { task: "a" }))[0]).toMatchObject({
      agent: "researcher (script)",
      cost_usd: 0.25,
    });
  });

  it("are committed under their own event when flushed", async () => {
    const root = tempRepo();
    const repo = await findRepo(root);
    writeFile(root, ".fleet/queue/a.md", "# A\n");
    await commitFleet(repo, { event: researched, paths: [".fleet/queue/a.md"], defer: true });
    writeFile(root, ".fleet/runs/a/3-implement.md", "run\n");
    await commitFleet(repo, {
      event: { task: "a", phase: "implement", event: "implemented", run: 3 },
      paths: [".fleet/runs/a/3-implement.md"],
      defer: true,
    });
    expect(await flushDeferred(repo)).toEqual(["a"]);
    expect(gitOut(root, "log", "-1", "--format=%s")).toBe("fleet(research): a researched — Task A");
    expect(gitOut(root, "log", "-1", "--format=%(trailers:key=Fleet-Carried,valueonly)")).toBe(
      "implement implemented run=3",
    );
    expect(gitOut(root, "ls-tree", "-r", "--name-only", "HEAD", ".fleet").split("\n")).toEqual([
      ".fleet/queue/a.md",
      ".fleet/runs/a/3-implement.md",
    ]);
    expect(await flushDeferred(repo)).toEqual([]);
  });
});
