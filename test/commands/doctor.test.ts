import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { doctor } from "../../src/commands/doctor.js";
import { init } from "../../src/commands/init.js";
import { stringifyFrontmatter } from "../../src/store/frontmatter.js";
import { LAYOUT } from "../../src/store/write-records.js";
import { writePlanFiles, writeTaskFile } from "../helpers/fleet-fixtures.js";
import { tempRepo, writeFile } from "../helpers/temp-repo.js";

/** sha256 of every file under `dir`, by relative path. */
function snapshot(dir: string, base = dir, out: Record<string, string> = {}): Record<string, string> {
  for (const name of readdirSync(dir)) {
    const abs = path.join(dir, name);
    if (statSync(abs).isDirectory()) snapshot(abs, base, out);
    else out[path.relative(base, abs)] = createHash("sha256").update(readFileSync(abs)).digest("hex");
  }
  return out;
}

describe("doctor", () => {
  it("reports every problem at once with file, field and fix, and modifies nothing", async () => {
    const root = tempRepo();
    await init({ cwd: root });
    const config = readFileSync(`${root}/.fleet/config.md`, "utf8");
    writeFile(
      root,
      ".fleet/config.md",
      config
        .replace("plan: planner", "plan: architect")
        .replace("ship: [acceptance]", "ship: [deploy, acceptance]"),
    );
    writeFile(root, ".fleet/gates/review.md", "---\nkind: agent\nagent: critic\n---\n");
    writeFile(root, ".fleet/agents/Bad Name.md", "---\nrunner: script\n---\n");
    writeTaskFile(root, { id: "a", depends_on: ["b", "ghost"] });
    writeTaskFile(root, { id: "b", depends_on: ["c"] });
    writeTaskFile(root, { id: "c", depends_on: ["a"], parent: "nobody" });
    writeTaskFile(root, { id: "old", phase: "dropped", status: "ready", merged_into: "a" });
    writeTaskFile(root, { id: "waits", depends_on: ["old"] });
    writeFile(
      root,
      ".fleet/queue/broken.md",
      "---\nid: broken\ntitle: x\npriority: high\nphase: later\n---\n",
    );
    writeFile(root, ".fleet/queue/notes.txt", "an idea in the wrong format\n");
    writeFile(root, ".fleet/research/orphan.md", "---\ntask: orphan\n---\nfindings\n");
    writeFile(root, ".fleet/research/a.md", "---\ntask: b\n---\nfindings\n");
    writeFile(
      root,
      ".fleet/runs/a/001-plan.md",
      stringifyFrontmatter(
        {
          task: "a",
          seq: 2,
          phase: "plan",
          attempt: 1,
          epoch: 1,
          started: "2026-11-20T00:00:00Z",
          outcome: "finished",
        },
        "",
        LAYOUT.run,
      ),
    );
    writeFile(
      root,
      ".fleet/plans/b.md",
      "---\ntask: b\napproval: { by: Ada, at: 2026-11-20T00:00:00Z, sha256: nothex }\n---\n",
    );
    const before = snapshot(`${root}/.fleet`);

    const result = await doctor({ cwd: root });
    expect(result.ok).toBe(false);
    const found = result.problems.map((p) => `${p.file} ${p.field ?? "-"}`);
    expect(found).toEqual(
      expect.arrayContaining([
        ".fleet/config.md agents.plan",
        ".fleet/config.md gates.ship.0",
        ".fleet/gates/review.md agent",
        ".fleet/agents/Bad Name.md -",
        ".fleet/queue/a.md depends_on.1",
        ".fleet/queue/a.md depends_on",
        ".fleet/queue/c.md parent",
        ".fleet/queue/waits.md depends_on.0",
        ".fleet/queue/broken.md priority",
        ".fleet/queue/broken.md phase",
        ".fleet/queue/notes.txt -",
        ".fleet/research/orphan.md -",
        ".fleet/research/a.md task",
        ".fleet/runs/a/001-plan.md seq",
        ".fleet/plans/b.md approval.sha256",
      ]),
    );
    const cycle = result.problems.find((p) => p.field === "depends_on");
    expect(cycle?.message).toBe("dependency cycle: a → b → c → a; none of these can ever start");
    const waits = result.problems.find((p) => p.file === ".fleet/queue/waits.md");
    expect(waits?.fix).toMatch(/replace it with a/);
    expect(result.problems.every((p) => p.fix.length > 0 && p.message.length > 0)).toBe(true);
    expect(snapshot(`${root}/.fleet`)).toEqual(before);
  });

  it("is clean on a fresh init with tasks, plans and runs that agree", async () => {
    const root = tempRepo();
    await init({ cwd: root });
    writeTaskFile(root, { id: "a", phase: "plan", status: "awaiting-approval" });
    writeTaskFile(root, { id: "b", depends_on: ["a"] });
    writePlanFiles(root, "a");
    writeFile(root, ".fleet/research/a.md", "---\ntask: a\n---\nfindings\n");
    writeFile(root, ".fleet/queue/hand-written.md", "# Just an idea\n");
    expect(await doctor({ cwd: root })).toMatchObject({ ok: true, problems: [] });
  });

  it("says when ship.open_pr cannot open a pull request (push mode, or no remote)", async () => {
    const root = tempRepo();
    await init({ cwd: root });
    const config = readFileSync(path.join(root, ".fleet/config.md"), "utf8");
    const withShip = (ship: string) =>
      writeFile(root, ".fleet/config.md", config.replace(/^---\n/, `---\n${ship}\n`));
    withShip("ship: { open_pr: true }");
    expect((await doctor({ cwd: root })).problems).toMatchObject([
      {
        file: ".fleet/config.md",
        field: "ship.open_pr",
        message: expect.stringContaining("ship.mode is push"),
      },
    ]);
    withShip("ship: { mode: branch, open_pr: true }");
    expect((await doctor({ cwd: root })).problems).toMatchObject([
      { field: "ship.open_pr", message: expect.stringContaining("remote: is null") },
    ]);
    withShip("ship: { mode: branch }");
    expect(await doctor({ cwd: root })).toMatchObject({ ok: true, problems: [] });
  });

  it("names the line of a YAML syntax error", async () => {
    const root = tempRepo();
    await init({ cwd: root });
    writeFile(root, ".fleet/queue/bad.md", "---\nid: bad\ntitle: [unclosed\n---\n");
    const [problem] = (await doctor({ cwd: root })).problems;
    expect(problem).toMatchObject({ file: ".fleet/queue/bad.md", field: null });
    expect(problem?.line).toBeGreaterThan(1);
  });

  it("reports a git index.lock that a killed git left behind, and not one git holds right now", async () => {
    const root = tempRepo();
    await init({ cwd: root });
    const lock = path.join(root, ".git", "index.lock");
    writeFileSync(lock, "");
    expect(await doctor({ cwd: root })).toMatchObject({ ok: true });
    const old = new Date(Date.now() - 25 * 60_000);
    utimesSync(lock, old, old);
    const result = await doctor({ cwd: root });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      expect.objectContaining({
        file: ".git/index.lock",
        message: expect.stringContaining("is 25 min old"),
        fix: expect.stringContaining(`rm '${lock}'`),
      }),
    ]);
  });
});
