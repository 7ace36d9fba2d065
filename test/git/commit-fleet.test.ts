import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { commitFleet } from "../../src/git/commit-fleet.js";
import { findRepo } from "../../src/git/repo.js";
import { parseTrailers } from "../../src/git/trailers.js";
import { gitOut, tempRepo, writeFile } from "../helpers/temp-repo.js";

describe("commitFleet", () => {
  it("commits only the given .fleet paths and leaves the person's staged and unstaged work alone", async () => {
    const root = tempRepo();
    writeFile(root, "src/app.ts", "staged\n");
    gitOut(root, "add", "src/app.ts");
    writeFile(root, "README.md", "# changed but not staged\n");
    writeFile(root, ".fleet/queue/a.md", "# A\n");
    const repo = await findRepo(root);
    const sha = await commitFleet(repo, {
      event: { task: "a", phase: "idea", event: "created", title: "A" },
      paths: [".fleet/queue/a.md"],
    });
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(gitOut(root, "show", "--name-only", "--format=", "HEAD")).toBe(".fleet/queue/a.md");
    const status = execFileSync("git", ["status", "--porcelain", "-z"], { cwd: root, encoding: "utf8" })
      .split("\0")
      .filter(Boolean)
      .sort();
    expect(status).toEqual([" M README.md", "A  src/app.ts"]);
    const trailers = parseTrailers(gitOut(root, "log", "-1", "--format=%(trailers:only,unfold)"));
    expect(trailers).toMatchObject({ "Fleet-Task": "a", "Fleet-Phase": "idea", "Fleet-Event": "created" });
    expect(gitOut(root, "log", "-1", "--format=%an <%ae>")).toBe("Ada Lovelace <ada@example.com>");
  });

  it("returns null when nothing changed, and commits deletions", async () => {
    const root = tempRepo();
    writeFile(root, ".fleet/queue/a.md", "# A\n");
    const repo = await findRepo(root);
    const event = { task: "a", phase: "idea", event: "created" };
    expect(await commitFleet(repo, { event, paths: [".fleet/queue/a.md"] })).not.toBeNull();
    expect(await commitFleet(repo, { event, paths: [".fleet/queue/a.md"] })).toBeNull();
    gitOut(root, "rm", "-q", "--cached", ".fleet/queue/a.md");
    gitOut(root, "reset", "-q");
    const { rmSync } = await import("node:fs");
    rmSync(`${root}/.fleet/queue/a.md`);
    expect(
      await commitFleet(repo, { event: { ...event, event: "dropped" }, paths: [".fleet/queue/a.md"] }),
    ).not.toBeNull();
    expect(gitOut(root, "ls-tree", "-r", "--name-only", "HEAD")).toBe("README.md");
    expect(gitOut(root, "status", "--porcelain")).toBe("");
  });

  it("refuses a path outside .fleet/", async () => {
    const root = tempRepo();
    const repo = await findRepo(root);
    await expect(
      commitFleet(repo, { event: { task: "a", phase: "idea", event: "x" }, paths: ["README.md"] }),
    ).rejects.toThrow(/only contain \.fleet\//);
    await expect(
      commitFleet(repo, { event: { task: "a", phase: "idea", event: "x" }, paths: [".fleet/../README.md"] }),
    ).rejects.toThrow(/only contain/);
  });

  it("serialises concurrent commits from one process without index.lock failures", async () => {
    const root = tempRepo();
    const repo = await findRepo(root);
    const ids = ["a", "b", "c", "d", "e", "f", "g", "h"];
    for (const id of ids) writeFile(root, `.fleet/queue/${id}.md`, `# ${id}\n`);
    const shas = await Promise.all(
      ids.map((id) =>
        commitFleet(repo, {
          event: { task: id, phase: "idea", event: "created" },
          paths: [`.fleet/queue/${id}.md`],
        }),
      ),
    );
    expect(shas.every((s) => s !== null)).toBe(true);
    expect(Number(gitOut(root, "rev-list", "--count", "HEAD"))).toBe(9);
    expect(gitOut(root, "status", "--porcelain")).toBe("");
  });
});
