import { describe, expect, it } from "vitest";
import { commitFleet } from "../../src/git/commit-fleet.js";
import { readLog } from "../../src/git/read-log.js";
import { findRepo } from "../../src/git/repo.js";
import { gitOut, tempRepo, writeFile } from "../helpers/temp-repo.js";

async function event(root: string, task: string, ev: string, extra: Record<string, unknown> = {}) {
  writeFile(root, `.fleet/queue/${task}.md`, `# ${task} ${ev}\n`);
  await commitFleet(await findRepo(root), {
    event: { task, phase: "idea", event: ev, title: `Title ${task}`, ...extra },
    paths: [`.fleet/queue/${task}.md`],
  });
}

describe("readLog", () => {
  it("reads fleet commits oldest first, with trailers parsed, skipping a person's own commits", async () => {
    const root = tempRepo();
    await event(root, "foo", "created", { by: "Ada <ada@example.com>" });
    writeFile(root, "src/x.ts", "x\n");
    gitOut(root, "add", "src/x.ts");
    gitOut(root, "commit", "-q", "-m", "a person's commit");
    await event(root, "foo-bar", "created");
    await event(root, "foo", "proposed", {
      agent: "planner (script)",
      run: 2,
      costUsd: 0.1873,
      body: "A plan.",
    });
    const all = await readLog(root);
    expect(all.map((e) => `${e.task} ${e.event}`)).toEqual([
      "foo created",
      "foo-bar created",
      "foo proposed",
    ]);
    const last = all[2];
    expect(last).toMatchObject({
      task: "foo",
      phase: "idea",
      event: "proposed",
      agent: "planner (script)",
      run: 2,
      cost_usd: 0.1873,
      body: "A plan.",
      subject: "fleet(idea): foo proposed — Title foo",
      author: "Ada Lovelace <ada@example.com>",
    });
    expect(all[0]?.by).toBe("Ada <ada@example.com>");
    expect(last?.commit).toBe(gitOut(root, "rev-parse", "HEAD"));
  });

  it("filters one task exactly (foo is not foo-bar) and keeps the newest n", async () => {
    const root = tempRepo();
    await event(root, "foo", "created");
    await event(root, "foo-bar", "created");
    await event(root, "foo", "ready");
    await event(root, "foo", "approved");
    expect((await readLog(root, { task: "foo" })).map((e) => e.event)).toEqual([
      "created",
      "ready",
      "approved",
    ]);
    expect((await readLog(root, { task: "foo", limit: 2 })).map((e) => e.event)).toEqual([
      "ready",
      "approved",
    ]);
    expect(await readLog(root, { task: "nothing" })).toEqual([]);
  });

  it("returns nothing on a branch with no commits, and refuses an id that is not one", async () => {
    const root = tempRepo();
    gitOut(root, "checkout", "-q", "--orphan", "empty");
    expect(await readLog(root)).toEqual([]);
    await expect(readLog(root, { task: "x$|.*" })).rejects.toMatchObject({ code: "invalid" });
  });
});
