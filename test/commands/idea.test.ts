import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { idea } from "../../src/commands/idea.js";
import { init } from "../../src/commands/init.js";
import { fleetPaths } from "../../src/store/paths.js";
import { readTask } from "../../src/store/read-tasks.js";
import { gitOut, tempRepo } from "../helpers/temp-repo.js";

describe("idea", () => {
  it("writes a task with a generated id and commits it with trailers", async () => {
    const root = tempRepo();
    await init({ cwd: root });
    const result = await idea({
      cwd: root,
      title: "  Rate-limit the\npublic API ",
      body: "One client took us down.",
      priority: 1,
      touches: ["src/api/**"],
      now: new Date("2026-11-21T08:00:00Z"),
    });
    expect(result.id).toMatch(/^rate-limit-the-public-api-[a-z0-9]{4}$/);
    expect(result).toMatchObject({ title: "Rate-limit the public API", phase: "idea", status: "draft" });
    const loaded = readTask(fleetPaths(root), result.id);
    expect(loaded?.ok && loaded.task.record).toMatchObject({
      priority: 1,
      touches: ["src/api/**"],
      created: "2026-11-21T08:00:00Z",
    });
    expect(loaded?.ok && loaded.task.normalized).toBe(true);
    expect(readFileSync(`${root}/${result.file}`, "utf8")).toMatch(/---\nOne client took us down\.\n$/);
    expect(gitOut(root, "log", "-1", "--format=%s%n%(trailers:only,unfold)")).toBe(
      `fleet(idea): ${result.id} created — Rate-limit the public API\nFleet-Task: ${result.id}\nFleet-Phase: idea\nFleet-Event: created\nFleet-By: Ada Lovelace <ada@example.com>`,
    );
  });

  it("takes --ready, --depends-on and --id, and refuses unknown dependencies, taken ids and bad priorities", async () => {
    const root = tempRepo();
    await init({ cwd: root });
    const first = await idea({ cwd: root, title: "First", id: "first" });
    expect(first.id).toBe("first");
    const second = await idea({ cwd: root, title: "Second", ready: true, dependsOn: ["first"] });
    expect(second.status).toBe("ready");
    await expect(idea({ cwd: root, title: "X", dependsOn: ["nope"] })).rejects.toMatchObject({
      code: "not-found",
    });
    await expect(idea({ cwd: root, title: "X", id: "first" })).rejects.toMatchObject({ code: "conflict" });
    await expect(idea({ cwd: root, title: "X", id: "../etc" })).rejects.toMatchObject({ code: "usage" });
    await expect(idea({ cwd: root, title: "X", priority: 7 })).rejects.toMatchObject({ code: "usage" });
    await expect(idea({ cwd: root, title: "   " })).rejects.toMatchObject({ code: "usage" });
    await expect(idea({ cwd: root, title: "X", touches: [" "] })).rejects.toMatchObject({ code: "usage" });
    expect(gitOut(root, "rev-list", "--count", "HEAD")).toBe("4");
  });
});
