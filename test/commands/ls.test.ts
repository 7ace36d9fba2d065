import { describe, expect, it } from "vitest";
import { init } from "../../src/commands/init.js";
import { ls } from "../../src/commands/ls.js";
import { writeTaskFile } from "../helpers/fleet-fixtures.js";
import { tempDir, tempRepo, writeFile } from "../helpers/temp-repo.js";

describe("ls", () => {
  it("orders by lifecycle phase, then priority, hides finished tasks, and lists problems beside the rest", async () => {
    const root = tempRepo();
    await init({ cwd: root });
    writeTaskFile(root, { id: "i2", priority: 2 });
    writeTaskFile(root, { id: "i1", priority: 1 });
    writeTaskFile(root, {
      id: "impl",
      phase: "implement",
      status: "running",
      updated: "2026-11-21T07:48:00Z",
    });
    writeTaskFile(root, { id: "r", phase: "research", status: "ready" });
    writeTaskFile(root, { id: "gone", phase: "dropped", status: "ready" });
    writeTaskFile(root, { id: "shipped", phase: "done", status: "ready" });
    writeFile(root, ".fleet/queue/hand.md", "# A hand-written idea\n\nNo frontmatter at all.\n");
    writeFile(root, ".fleet/queue/bad.md", "---\nid: bad\ntitle: Bad\nstatus: sleeping\n---\n");
    const result = await ls({ cwd: `${root}/.fleet/queue`, now: new Date("2026-11-21T08:00:00Z") });
    expect(result.tasks.map((t) => t.id)).toEqual(["i1", "hand", "i2", "r", "impl"]);
    expect(result.hidden).toBe(2);
    expect(result.tasks.find((t) => t.id === "hand")).toMatchObject({
      title: "A hand-written idea",
      normalized: false,
      phase: "idea",
      status: "draft",
    });
    expect(result.tasks.find((t) => t.id === "impl")?.running_ms).toBe(12 * 60_000);
    expect(result.problems).toEqual([
      { file: ".fleet/queue/bad.md", field: "status", message: expect.stringMatching(/draft/) },
    ]);

    expect((await ls({ cwd: root, all: true })).tasks.map((t) => t.id).slice(-2)).toEqual([
      "shipped",
      "gone",
    ]);
    expect((await ls({ cwd: root, phase: "done" })).tasks.map((t) => t.id)).toEqual(["shipped"]);
    expect((await ls({ cwd: root, status: "ready" })).tasks.map((t) => t.id)).toEqual(["r"]);
  });

  it("says where the problem is when there is no repository or no .fleet/", async () => {
    await expect(ls({ cwd: tempDir() })).rejects.toMatchObject({ code: "not-found" });
    await expect(ls({ cwd: tempRepo() })).rejects.toMatchObject({
      code: "not-initialized",
      hint: expect.stringMatching(/fleet init/),
    });
  });
});
