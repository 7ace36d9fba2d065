import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fleetPaths } from "../../src/store/paths.js";
import { readTask, readTasks } from "../../src/store/read-tasks.js";
import { readTaskIndex } from "../../src/store/task-cache.js";
import { serializeTask, writeTask } from "../../src/store/write-records.js";
import { tempDir, writeFile } from "../helpers/temp-repo.js";

describe("readTasks", () => {
  it("loads a file with no frontmatter as an idea: id from the name, title from the first heading", () => {
    const root = tempDir();
    writeFile(root, ".fleet/queue/dark-mode.md", "Some intro\n\n# Add a dark mode\n\nBecause.\n");
    const { tasks, problems } = readTasks(fleetPaths(root));
    expect(problems).toEqual([]);
    const task = tasks.get("dark-mode");
    expect(task?.record).toMatchObject({
      id: "dark-mode",
      title: "Add a dark mode",
      phase: "idea",
      status: "draft",
    });
    expect(task?.normalized).toBe(false);
    expect(task?.body).toBe("Some intro\n\n# Add a dark mode\n\nBecause.\n");
  });

  it("reports every problem of an invalid file with path and field, leaves its bytes alone, and loads the rest", () => {
    const root = tempDir();
    const bad =
      "---\nid: broken\ntitle: Broken\nphase: shipping\npriority: 9\ndepends_on: [../x]\n---\nbody\n";
    const badFile = writeFile(root, ".fleet/queue/broken.md", bad);
    writeFile(root, ".fleet/queue/good.md", "---\nid: good\ntitle: Good\n---\n");
    writeFile(root, ".fleet/queue/Bad Name.md", "# x\n");
    writeFile(root, ".fleet/queue/mismatch.md", "---\nid: other\ntitle: M\n---\n");
    writeFile(root, ".fleet/queue/syntax.md", "---\ntitle: [oops\n---\n");
    const before = statSync(badFile).mtimeMs;
    const { tasks, problems } = readTasks(fleetPaths(root));
    expect([...tasks.keys()]).toEqual(["good"]);
    const fields = problems.map((p) => `${p.file}#${p.field ?? ""}`);
    expect(fields).toEqual(
      expect.arrayContaining([
        ".fleet/queue/broken.md#phase",
        ".fleet/queue/broken.md#priority",
        ".fleet/queue/broken.md#depends_on.0",
        ".fleet/queue/Bad Name.md#",
        ".fleet/queue/mismatch.md#id",
        ".fleet/queue/syntax.md#",
      ]),
    );
    expect(problems.find((p) => p.field === "phase")?.message).toMatch(/idea.*research/);
    expect(readFileSync(badFile, "utf8")).toBe(bad);
    expect(statSync(badFile).mtimeMs).toBe(before);
  });

  it("writes a record back unchanged as the same bytes", async () => {
    const root = tempDir();
    const paths = fleetPaths(root);
    writeFile(
      root,
      ".fleet/queue/a.md",
      '---\nid: a\ntitle: A task\npriority: 1\ntouches: ["src/**"]\nmine: kept\n---\nWhy.\n',
    );
    const first = readTask(paths, "a");
    if (!first?.ok) throw new Error("expected a valid task");
    await writeTask(paths, first.task.record, first.task.body);
    const written = readFileSync(path.join(root, ".fleet/queue/a.md"), "utf8");
    expect(written).toContain("mine: kept");
    const second = readTask(paths, "a");
    if (!second?.ok) throw new Error("expected a valid task");
    expect(serializeTask(second.task.record, second.task.body)).toBe(written);
    expect(await writeTask(paths, second.task.record, second.task.body)).toBe(false);
  });
});

describe("readTaskIndex (cached listing)", () => {
  it("agrees with readTasks, and sees edits, deletions and new files on the next call", async () => {
    const root = tempDir();
    const paths = fleetPaths(root);
    const cache = path.join(root, "cache.json");
    writeFile(root, ".fleet/queue/a.md", "---\nid: a\ntitle: A\n---\n");
    writeFile(root, ".fleet/queue/b.md", "# B\n");
    writeFile(root, ".fleet/queue/c.md", "---\nid: c\npriority: high\n---\n");
    const cold = await readTaskIndex(paths, cache);
    const warm = await readTaskIndex(paths, cache);
    const direct = readTasks(paths);
    for (const index of [cold, warm]) {
      expect([...index.tasks.keys()]).toEqual([...direct.tasks.keys()]);
      for (const id of ["a", "b"]) {
        const full = direct.tasks.get(id)?.record;
        expect(index.tasks.get(id)?.record).toEqual({
          id: full?.id,
          title: full?.title,
          phase: full?.phase,
          status: full?.status,
          priority: full?.priority,
          updated: full?.updated ?? null,
          question: full?.question,
          attempts: full?.attempts,
          cost_usd: full?.cost.usd,
          parent: full?.parent,
          review_branch: full?.review_branch ?? null,
        });
      }
      expect(index.tasks.get("b")?.normalized).toBe(false);
      expect(index.problems).toEqual(direct.problems);
    }
    writeFile(root, ".fleet/queue/a.md", "---\nid: a\ntitle: A renamed\n---\n");
    writeFile(root, ".fleet/queue/c.md", "---\nid: c\ntitle: C\npriority: 0\n---\n");
    writeFile(root, ".fleet/queue/d.md", "# D\n");
    const { rmSync } = await import("node:fs");
    rmSync(path.join(root, ".fleet/queue/b.md"));
    const after = await readTaskIndex(paths, cache);
    expect([...after.tasks.keys()]).toEqual(["a", "c", "d"]);
    expect(after.tasks.get("a")?.record.title).toBe("A renamed");
    expect(after.problems).toEqual([]);
  });

  it("survives a corrupt cache file", async () => {
    const root = tempDir();
    const cache = writeFile(root, "cache.json", "{not json");
    writeFile(root, ".fleet/queue/a.md", "# A\n");
    const index = await readTaskIndex(fleetPaths(root), cache);
    expect(index.tasks.get("a")?.record.title).toBe("A");
  });
});
