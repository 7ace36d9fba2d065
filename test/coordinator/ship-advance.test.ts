import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { advanceBase } from "../../src/coordinator/ship-advance.js";
import { findRepo } from "../../src/git/repo.js";
import { commitFiles, git } from "../gates/fixture.js";
import { gitOut, tempRepo, writeFile } from "../helpers/temp-repo.js";

async function project() {
  const root = tempRepo();
  writeFile(root, "src/a.js", "a1\n");
  writeFile(root, "src/b.js", "b1\n");
  writeFile(root, "notes.txt", "n1\n");
  writeFile(root, ".gitignore", "*.local\n");
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "files");
  const from = gitOut(root, "rev-parse", "HEAD");
  return { root, repo: await findRepo(root), from };
}

const read = (root: string, file: string) => readFileSync(path.join(root, file), "utf8");

describe("advanceBase", () => {
  it("moves the branch and the person's work tree for exactly the changed paths, keeping their own changes", async () => {
    const { root, repo, from } = await project();
    writeFile(root, "notes.txt", "n1 staged\n");
    git(root, "add", "notes.txt");
    writeFile(root, "notes.txt", "n1 staged then edited\n");
    writeFile(root, "scratch.txt", "mine\n");
    const to = commitFiles(root, from, { "src/a.js": "a2\n", "src/new.js": "new\n", "src/b.js": null });
    const result = await advanceBase(repo, { base: "main", from, to, reason: "ship x" });
    expect(result).toEqual({ kind: "advanced", worktree: root });
    expect(gitOut(root, "rev-parse", "main")).toBe(to);
    expect(read(root, "src/a.js")).toBe("a2\n");
    expect(read(root, "src/new.js")).toBe("new\n");
    expect(existsSync(path.join(root, "src/b.js"))).toBe(false);
    expect(read(root, "notes.txt")).toBe("n1 staged then edited\n");
    expect(gitOut(root, "status", "--porcelain")).toBe("MM notes.txt\n?? scratch.txt");
    expect(gitOut(root, "show", ":notes.txt")).toBe("n1 staged");
  });

  for (const [what, prepare] of [
    ["an unstaged edit", (root: string) => writeFile(root, "src/a.js", "a1 edited by Ada\n")],
    [
      "a staged edit",
      (root: string) => {
        writeFile(root, "src/a.js", "a1 edited by Ada\n");
        git(root, "add", "src/a.js");
      },
    ],
  ] as const) {
    it(`waits, touching nothing, when a changed path has ${what}`, async () => {
      const { root, repo, from } = await project();
      prepare(root);
      const before = gitOut(root, "status", "--porcelain");
      const to = commitFiles(root, from, { "src/a.js": "a2\n" });
      const result = await advanceBase(repo, { base: "main", from, to, reason: "ship" });
      expect(result).toEqual({ kind: "dirty", worktree: root, paths: ["src/a.js"] });
      expect(gitOut(root, "rev-parse", "main")).toBe(from);
      expect(read(root, "src/a.js")).toBe("a1 edited by Ada\n");
      expect(gitOut(root, "status", "--porcelain")).toBe(before);
    });
  }

  it("waits when the change adds a file the person has untracked or ignored there", async () => {
    const { root, repo, from } = await project();
    writeFile(root, "src/new.js", "Ada's draft\n");
    writeFile(root, "config.local", "secret\n");
    const to = commitFiles(root, from, { "src/new.js": "new\n", "config.local": "x\n" });
    const result = await advanceBase(repo, { base: "main", from, to, reason: "ship" });
    expect(result).toEqual({ kind: "dirty", worktree: root, paths: ["config.local", "src/new.js"] });
    expect(read(root, "src/new.js")).toBe("Ada's draft\n");
    expect(read(root, "config.local")).toBe("secret\n");
  });

  it("waits when an untracked file stands where the change needs a folder", async () => {
    const { root, repo, from } = await project();
    writeFile(root, "docs", "a file named docs\n");
    const to = commitFiles(root, from, { "docs/guide.md": "# guide\n" });
    const result = await advanceBase(repo, { base: "main", from, to, reason: "ship" });
    expect(result).toEqual({ kind: "dirty", worktree: root, paths: ["docs"] });
    expect(read(root, "docs")).toBe("a file named docs\n");
  });

  it("reports a moved base branch and changes nothing", async () => {
    const { root, repo, from } = await project();
    const to = commitFiles(root, from, { "src/a.js": "a2\n" });
    writeFile(root, "notes.txt", "n2\n");
    git(root, "commit", "-q", "-am", "Ada's commit");
    const now = gitOut(root, "rev-parse", "HEAD");
    expect(await advanceBase(repo, { base: "main", from, to, reason: "ship" })).toEqual({
      kind: "moved",
      now,
    });
    expect(gitOut(root, "rev-parse", "main")).toBe(now);
    expect(read(root, "src/a.js")).toBe("a1\n");
  });

  it("moves only the ref when the base branch is not checked out anywhere", async () => {
    const { root, repo, from } = await project();
    git(root, "checkout", "-q", "-b", "elsewhere");
    writeFile(root, "src/a.js", "Ada on another branch\n");
    const to = commitFiles(root, from, { "src/a.js": "a2\n" });
    expect(await advanceBase(repo, { base: "main", from, to, reason: "ship" })).toEqual({
      kind: "advanced",
      worktree: null,
    });
    expect(gitOut(root, "rev-parse", "main")).toBe(to);
    expect(read(root, "src/a.js")).toBe("Ada on another branch\n");
    expect(gitOut(root, "rev-parse", "--abbrev-ref", "HEAD")).toBe("elsewhere");
  });

  it("waits out the person's own git holding index.lock, then updates the work tree", async () => {
    const { root, repo, from } = await project();
    const lock = path.join(root, ".git", "index.lock");
    writeFileSync(lock, "");
    setTimeout(() => rmSync(lock, { force: true }), 600);
    const to = commitFiles(root, from, { "src/a.js": "a2\n" });
    expect((await advanceBase(repo, { base: "main", from, to, reason: "ship" })).kind).toBe("advanced");
    expect(read(root, "src/a.js")).toBe("a2\n");
    expect(gitOut(root, "status", "--porcelain")).toBe("");
  });

  it("treats file names as data, not pathspec magic", async () => {
    const { root, repo, from } = await project();
    writeFile(root, "src/a.js", "a1 edited by Ada\n");
    const to = commitFiles(root, from, { ":(glob)src/*": "odd name\n" });
    const result = await advanceBase(repo, { base: "main", from, to, reason: "ship" });
    expect(result.kind).toBe("advanced");
    expect(read(root, ":(glob)src/*")).toBe("odd name\n");
    expect(read(root, "src/a.js")).toBe("a1 edited by Ada\n");
  });
});
