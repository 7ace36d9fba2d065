import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { advanceBase } from "../../src/coordinator/ship-advance.js";
import { finishFollow, writeFollowJournal } from "../../src/coordinator/ship-follow.js";
import { findRepo } from "../../src/git/repo.js";
import { commitFiles, git } from "../gates/fixture.js";
import { gitOut, tempRepo, writeFile } from "../helpers/temp-repo.js";

/** A person's clone on main with their own uncommitted note, and a shipped commit `to` on top of `from`. */
async function shipped() {
  const root = tempRepo();
  writeFile(root, "src/a.js", "a1\n");
  writeFile(root, "src/b.js", "b1\n");
  writeFile(root, "notes.txt", "n1\n");
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "files");
  const from = gitOut(root, "rev-parse", "HEAD");
  writeFile(root, "notes.txt", "n1, edited by Ada\n");
  const to = commitFiles(root, from, { "src/a.js": "a2\n", "src/b.js": null });
  const repo = await findRepo(root);
  const journal = path.join(repo.commonDir, "fleet", "ship-follow.json");
  return { root, repo, from, to, journal };
}

type Shipped = Awaited<ReturnType<typeof shipped>>;

/** The journal `advanceBase` writes for this ship before it moves the ref. */
const journalFor = (s: Shipped) =>
  writeFollowJournal(s.repo, {
    worktree: s.root,
    base: "main",
    from: s.from,
    to: s.to,
    kept: ["src/a.js"],
    deleted: ["src/b.js"],
  });

/** Exactly what a daemon killed between moving the base branch and updating the work tree leaves. */
async function crashAfterRefMoved(s: Shipped) {
  await journalFor(s);
  git(s.root, "update-ref", "refs/heads/main", s.to, s.from);
}

describe("finishFollow (recovery of a ship cut short)", () => {
  it("brings the work tree along when the person has not touched those paths, keeping their own edits", async () => {
    const s = await shipped();
    await crashAfterRefMoved(s);
    expect(gitOut(s.root, "status", "--porcelain")).toContain("M  src/a.js"); // the change, shown reversed
    expect(await finishFollow(s.repo)).toEqual({ kind: "followed", worktree: s.root, paths: 2 });
    expect(readFileSync(path.join(s.root, "src/a.js"), "utf8")).toBe("a2\n");
    expect(existsSync(path.join(s.root, "src/b.js"))).toBe(false);
    expect(gitOut(s.root, "status", "--porcelain")).toBe("M notes.txt");
    expect(existsSync(s.journal)).toBe(false);
    expect(await finishFollow(s.repo)).toBeNull();
  });

  it("leaves paths the person changed since alone, and says what to run", async () => {
    const s = await shipped();
    await crashAfterRefMoved(s);
    writeFile(s.root, "src/a.js", "a1, edited after the crash\n");
    const r = await finishFollow(s.repo);
    expect(r).toMatchObject({ kind: "left", worktree: s.root });
    expect(r?.kind === "left" && r.advice).toContain(`git checkout ${s.to.slice(0, 12)} -- <paths>`);
    expect(readFileSync(path.join(s.root, "src/a.js"), "utf8")).toBe("a1, edited after the crash\n");
    expect(existsSync(s.journal)).toBe(false);
  });

  it("does nothing when the crash came before the ref moved; a normal advance leaves no journal", async () => {
    const s = await shipped();
    await journalFor(s);
    expect(await finishFollow(s.repo)).toBeNull();
    expect(readFileSync(path.join(s.root, "src/a.js"), "utf8")).toBe("a1\n");
    expect(existsSync(s.journal)).toBe(false);

    expect(await advanceBase(s.repo, { base: "main", from: s.from, to: s.to, reason: "ship" })).toEqual({
      kind: "advanced",
      worktree: s.root,
    });
    expect(existsSync(s.journal)).toBe(false);
    expect(gitOut(s.root, "status", "--porcelain")).toBe("M notes.txt");
  });
});

describe("a left-behind index.lock in the person's clone (a killed git)", () => {
  it("does not move the base branch while the lock is there, and ships once it is gone", async () => {
    const s = await shipped();
    const lock = path.join(s.root, ".git", "index.lock");
    writeFileSync(lock, "");
    const before = gitOut(s.root, "status", "--porcelain");
    expect(await advanceBase(s.repo, { base: "main", from: s.from, to: s.to, reason: "ship" })).toEqual({
      kind: "index-locked",
      worktree: s.root,
      lock,
    });
    expect(gitOut(s.root, "rev-parse", "main")).toBe(s.from);
    expect(gitOut(s.root, "status", "--porcelain")).toBe(before);
    rmSync(lock);
    expect(await advanceBase(s.repo, { base: "main", from: s.from, to: s.to, reason: "ship" })).toEqual({
      kind: "advanced",
      worktree: s.root,
    });
    expect(readFileSync(path.join(s.root, "src/a.js"), "utf8")).toBe("a2\n");
    expect(gitOut(s.root, "status", "--porcelain")).toBe("M notes.txt");
  });

  it("keeps a follow the lock cut short pending, and finishes it once the lock is gone, even after audit commits", async () => {
    const s = await shipped();
    await crashAfterRefMoved(s);
    const lock = path.join(s.root, ".git", "index.lock");
    writeFileSync(lock, "");
    expect(await finishFollow(s.repo, { wait: false })).toEqual({ kind: "pending", worktree: s.root, lock });
    expect(existsSync(s.journal)).toBe(true);
    // Fleet's own audit commits (only .fleet/ paths) move main on meanwhile.
    const audit = commitFiles(s.root, s.to, { ".fleet/queue/x.md": "# X\n" }, "audit");
    git(s.root, "update-ref", "refs/heads/main", audit, s.to);
    rmSync(lock);
    expect(await finishFollow(s.repo, { wait: false })).toEqual({
      kind: "followed",
      worktree: s.root,
      paths: 2,
    });
    expect(readFileSync(path.join(s.root, "src/a.js"), "utf8")).toBe("a2\n");
    expect(existsSync(path.join(s.root, "src/b.js"))).toBe(false);
    expect(existsSync(s.journal)).toBe(false);
  });
});
