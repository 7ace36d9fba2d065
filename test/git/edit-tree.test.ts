import { chmodSync, mkdirSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { commitFleet } from "../../src/git/commit-fleet.js";
import { editTree, workTreeEdits } from "../../src/git/edit-tree.js";
import { findRepo } from "../../src/git/repo.js";
import { gitOut, tempRepo, writeFile } from "../helpers/temp-repo.js";

const event = { task: "a", phase: "plan", event: "proposed" };

describe("commitFleet's tree edits (fast-import)", () => {
  it("replaces a folder whole: files removed from it are deleted, new ones added, the rest untouched", async () => {
    const root = tempRepo();
    const repo = await findRepo(root);
    writeFile(root, ".fleet/acceptance/a/old.sh", "old\n");
    writeFile(root, ".fleet/acceptance/a/kept.sh", "kept\n");
    writeFile(root, ".fleet/queue/b.md", "# B\n");
    await commitFleet(repo, { event, paths: [".fleet/acceptance/a", ".fleet/queue/b.md"] });
    rmSync(path.join(root, ".fleet/acceptance/a/old.sh"));
    writeFile(root, ".fleet/acceptance/a/new/deep.sh", "new\n");
    writeFile(root, ".fleet/queue/b.md", "# B changed, but not committed\n");
    expect(await commitFleet(repo, { event, paths: [".fleet/acceptance/a"] })).not.toBeNull();
    expect(gitOut(root, "ls-tree", "-r", "--name-only", "HEAD").split("\n")).toEqual([
      ".fleet/acceptance/a/kept.sh",
      ".fleet/acceptance/a/new/deep.sh",
      ".fleet/queue/b.md",
      "README.md",
    ]);
    expect(gitOut(root, "show", "HEAD:.fleet/queue/b.md")).toBe("# B");
    expect(gitOut(root, "status", "--porcelain")).toBe("M .fleet/queue/b.md");
  });

  it("keeps hostile file names byte for byte, the executable bit, and a symbolic link as a link", async () => {
    const root = tempRepo();
    const repo = await findRepo(root);
    const names = ['quote"d', "new\nline", "back\\slash", "tab\there", "ünï", " lead space"];
    for (const n of names) writeFile(root, `.fleet/acceptance/a/${n}`, `${n}\n`);
    writeFile(root, ".fleet/acceptance/a/run.sh", "#!/bin/sh\n");
    chmodSync(path.join(root, ".fleet/acceptance/a/run.sh"), 0o755);
    symlinkSync("run.sh", path.join(root, ".fleet/acceptance/a/link"));
    await commitFleet(repo, { event, paths: [".fleet/acceptance/a"] });
    const listed = gitOut(root, "ls-tree", "-r", "-z", "HEAD", ".fleet/acceptance/a")
      .split("\0")
      .filter(Boolean)
      .map((l) => {
        const tab = l.indexOf("\t");
        const [meta, name] = [l.slice(0, tab), l.slice(tab + 1)];
        return `${meta.split(" ")[0]} ${name.slice(".fleet/acceptance/a/".length)}`;
      });
    expect(listed.sort()).toEqual(
      [...names.map((n) => `100644 ${n}`), "100755 run.sh", "120000 link"].sort(),
    );
    expect(gitOut(root, "show", "HEAD:.fleet/acceptance/a/new\nline")).toBe("new\nline");
    expect(gitOut(root, "status", "--porcelain")).toBe("");
    expect(gitOut(root, "fsck", "--no-progress", "--no-dangling")).toBe("");
  });

  it("refuses a path whose folder is a symbolic link, as git add does", async () => {
    const root = tempRepo();
    mkdirSync(path.join(root, "elsewhere"));
    writeFile(root, "elsewhere/x.md", "# outside\n");
    mkdirSync(path.join(root, ".fleet"), { recursive: true });
    symlinkSync(path.join(root, "elsewhere"), path.join(root, ".fleet/queue"));
    const repo = await findRepo(root);
    await expect(commitFleet(repo, { event, paths: [".fleet/queue/x.md"] })).rejects.toThrow(
      /\.fleet\/queue is a symbolic link/,
    );
    expect(gitOut(root, "rev-list", "--count", "HEAD")).toBe("1");
  });

  it("writes no ref, no index and no pack of its own", async () => {
    const root = tempRepo();
    const head = gitOut(root, "rev-parse", "HEAD");
    writeFile(root, ".fleet/queue/a.md", "# A\n");
    const before = gitOut(root, "for-each-ref");
    const edited = await editTree(root, head, workTreeEdits(root, ".fleet/queue/a.md", true));
    expect(edited.oldTree).toBe(gitOut(root, "rev-parse", "HEAD^{tree}"));
    expect(gitOut(root, "ls-tree", "-r", "--name-only", edited.tree).split("\n")).toEqual([
      ".fleet/queue/a.md",
      "README.md",
    ]);
    expect(gitOut(root, "for-each-ref")).toBe(before);
    expect(
      readdirSync(path.join(root, ".git", "objects", "pack")).filter((n) => n.endsWith(".pack")),
    ).toEqual([]);
    expect(gitOut(root, "status", "--porcelain")).toBe("?? .fleet/");
  });

  it("starts from an empty tree on an unborn branch", async () => {
    const root = tempRepo();
    gitOut(root, "checkout", "-q", "--orphan", "fresh");
    gitOut(root, "rm", "-rq", "--cached", ".");
    writeFile(root, ".fleet/queue/a.md", "# A\n");
    const repo = await findRepo(root);
    expect(await commitFleet(repo, { event, paths: [".fleet/queue/a.md"] })).not.toBeNull();
    expect(gitOut(root, "ls-tree", "-r", "--name-only", "HEAD")).toBe(".fleet/queue/a.md");
    expect(gitOut(root, "rev-list", "--count", "HEAD")).toBe("1");
  });
});
