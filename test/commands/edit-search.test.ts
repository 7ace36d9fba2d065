import { describe, expect, it } from "vitest";
import { edit } from "../../src/commands/edit.js";
import { idea } from "../../src/commands/idea.js";
import { init } from "../../src/commands/init.js";
import { search } from "../../src/commands/search.js";
import { fleetPaths } from "../../src/store/paths.js";
import { readTask } from "../../src/store/read-tasks.js";
import { gitOut, tempRepo, writeFile } from "../helpers/temp-repo.js";

async function repo() {
  const root = tempRepo();
  await init({ cwd: root, env: { PATH: "/usr/bin:/bin" } });
  await idea({
    cwd: root,
    title: "Rate-limit the public API",
    id: "rate-limit",
    body: "100 requests a minute.",
  });
  await idea({ cwd: root, title: "Auth tokens", id: "auth-tokens" });
  await idea({ cwd: root, title: "Audit log", id: "audit-log", dependsOn: ["rate-limit"] });
  return root;
}

const task = (root: string, id: string) => {
  const r = readTask(fleetPaths(root), id);
  if (!r?.ok) throw new Error(`${id} does not load`);
  return r.task;
};

describe("fleet edit", () => {
  it("changes the fields it is given, by id prefix, as one commit naming them", async () => {
    const root = await repo();
    const before = Number(gitOut(root, "rev-list", "--count", "HEAD"));
    const r = await edit({
      cwd: root,
      id: "rate",
      title: "Rate-limit the API",
      priority: 0,
      depends_on: ["auth"],
      touches: ["src/api/**"],
      body: "Per key, 429 with Retry-After.",
    });
    expect(r.changed).toEqual(["title", "priority", "depends_on", "touches", "body"]);
    expect(task(root, "rate-limit").record).toMatchObject({
      title: "Rate-limit the API",
      priority: 0,
      depends_on: ["auth-tokens"],
      touches: ["src/api/**"],
    });
    expect(task(root, "rate-limit").body).toBe("Per key, 429 with Retry-After.\n");
    expect(Number(gitOut(root, "rev-list", "--count", "HEAD"))).toBe(before + 1);
    expect(gitOut(root, "show", "--name-only", "--format=%s%n%b", "HEAD")).toBe(
      "fleet(idea): rate-limit edited — Rate-limit the API\nChanged: title, priority, depends_on, touches, body.\n\nFleet-Task: rate-limit\nFleet-Phase: idea\nFleet-Event: edited\nFleet-By: Ada Lovelace <ada@example.com>\n\n\n.fleet/queue/rate-limit.md",
    );
    const again = await edit({ cwd: root, id: "rate-limit", priority: 0 });
    expect(again).toMatchObject({ changed: [], commit: null });
  });

  it("refuses what fleet idea refuses, a self-dependency and a cycle, and changes nothing", async () => {
    const root = await repo();
    const file = () => gitOut(root, "log", "-1", "--format=%H");
    const head = file();
    await expect(edit({ cwd: root, id: "rate-limit", title: "  " })).rejects.toMatchObject({ code: "usage" });
    await expect(edit({ cwd: root, id: "rate-limit", priority: 7 })).rejects.toMatchObject({ code: "usage" });
    await expect(edit({ cwd: root, id: "rate-limit", depends_on: ["nowhere"] })).rejects.toMatchObject({
      code: "not-found",
    });
    await expect(edit({ cwd: root, id: "rate-limit", depends_on: ["rate-limit"] })).rejects.toMatchObject({
      code: "usage",
      message: "rate-limit cannot depend on itself",
    });
    await expect(edit({ cwd: root, id: "rate-limit", depends_on: ["audit-log"] })).rejects.toMatchObject({
      code: "usage",
      message: "depending on audit-log would make a cycle: rate-limit → audit-log → rate-limit",
    });
    await expect(edit({ cwd: root, id: "rate-limit", touches: [" "] })).rejects.toMatchObject({
      code: "usage",
    });
    expect(file()).toBe(head);
    expect(gitOut(root, "status", "--porcelain", "--", ".fleet")).toBe("");
  });
});

describe("fleet search", () => {
  it("finds tasks by every word in titles, bodies, research and plans, in any case", async () => {
    const root = await repo();
    writeFile(
      root,
      ".fleet/research/auth-tokens.md",
      "---\ntask: auth-tokens\n---\nTokens expire after 1h; see RATE limits.\n",
    );
    writeFile(
      root,
      ".fleet/plans/audit-log.md",
      "---\ntask: audit-log\n---\n# Plan\nWrite every request to the audit table.\n",
    );
    expect((await search({ cwd: root, words: ["rate"] })).map((m) => m.id)).toEqual([
      "auth-tokens",
      "rate-limit",
    ]);
    const both = await search({ cwd: root, words: ["100", "minute"] });
    expect(both).toEqual([
      {
        id: "rate-limit",
        title: "Rate-limit the public API",
        phase: "idea",
        status: "draft",
        hits: [{ part: "task", file: ".fleet/queue/rate-limit.md", line: "100 requests a minute." }],
      },
    ]);
    const plan = await search({ cwd: root, words: ["AUDIT", "table"] });
    expect(plan[0]?.hits.map((h) => [h.part, h.line])).toEqual([
      ["task", "Audit log"],
      ["plan", "Write every request to the audit table."],
    ]);
    expect(await search({ cwd: root, words: ["nothing-like-this"] })).toEqual([]);
    await expect(search({ cwd: root, words: [" "] })).rejects.toMatchObject({ code: "usage" });
  });
});
