import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
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

  it("builds the commit again when the person commits meanwhile, instead of failing the compare-and-swap", async () => {
    const root = tempRepo();
    const repo = await findRepo(root);
    // A person committing in a tight loop moves HEAD between our read of it and our update-ref.
    const person = spawn(
      "sh",
      ["-c", "while :; do git commit -q --allow-empty --no-verify -m person || true; sleep 0.1; done"],
      { cwd: root, stdio: "ignore" },
    );
    try {
      for (const id of ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]) {
        writeFile(root, `.fleet/queue/${id}.md`, `# ${id}\n`);
        // null is fair: the person's commit, built from an index we had already refreshed, took the file.
        await commitFleet(repo, {
          event: { task: id, phase: "idea", event: "created" },
          paths: [`.fleet/queue/${id}.md`],
        });
      }
    } finally {
      person.kill("SIGKILL");
      await new Promise((r) => person.once("exit", r));
    }
    // Every file is on HEAD: neither lost to a compare-and-swap nor undone by the person's commit.
    const tree = gitOut(root, "ls-tree", "-r", "--name-only", "HEAD", ".fleet/queue").split("\n");
    expect(tree).toHaveLength(10);
    expect(gitOut(root, "status", "--porcelain")).toBe("");
  });
});

describe("commitFleet and files a person removed meanwhile", () => {
  it("records a missing file as a deletion only where mayDelete allows (rm -rf .fleet under a daemon)", async () => {
    const root = tempRepo();
    const repo = await findRepo(root);
    writeFile(root, ".fleet/queue/a.md", "# A\n");
    writeFile(root, ".fleet/acceptance/a/old.mjs", "old\n");
    await commitFleet(repo, {
      event: { task: "a", phase: "idea", event: "created" },
      paths: [".fleet/queue/a.md", ".fleet/acceptance/a"],
    });
    // The person removes .fleet/ just as we commit the task file we wrote and a folder we emptied.
    rmSync(path.join(root, ".fleet"), { recursive: true, force: true });
    writeFile(root, ".fleet/runs/a/001-research.md", "run\n");
    await commitFleet(repo, {
      event: { task: "a", phase: "research", event: "started" },
      paths: [".fleet/queue/a.md", ".fleet/runs/a/001-research.md", ".fleet/acceptance/a"],
      mayDelete: [".fleet/acceptance/a"],
    });
    const tree = gitOut(root, "ls-tree", "-r", "--name-only", "HEAD").split("\n");
    expect(tree).toContain(".fleet/queue/a.md");
    expect(tree).toContain(".fleet/runs/a/001-research.md");
    expect(tree).not.toContain(".fleet/acceptance/a/old.mjs");
  });
});

describe("commitFleet with a left-behind index.lock", () => {
  it("commits anyway, remembers the index refresh, and does it once the lock is gone", async () => {
    const root = tempRepo();
    const repo = await findRepo(root);
    const lock = path.join(root, ".git", "index.lock");
    writeFileSync(lock, ""); // what a git killed mid-write leaves behind
    writeFile(root, ".fleet/queue/a.md", "# A\n");
    const event = { task: "a", phase: "idea", event: "created" };
    const first = await commitFleet(repo, { event, paths: [".fleet/queue/a.md"] });
    expect(gitOut(root, "rev-parse", "HEAD")).toBe(first);
    const pending = path.join(root, ".git", "fleet", "index-refresh-pending");
    expect(readFileSync(pending, "utf8")).toBe(":(literal).fleet/queue/a.md");

    // While the lock stays, later commits land too, adding their paths to the pending list.
    writeFile(root, ".fleet/queue/b.md", "# B\n");
    await commitFleet(repo, { event: { ...event, task: "b" }, paths: [".fleet/queue/b.md"] });
    expect(gitOut(root, "show", "--name-only", "--format=", "HEAD")).toBe(".fleet/queue/b.md");
    expect(readFileSync(pending, "utf8").split("\0").sort()).toEqual([
      ":(literal).fleet/queue/a.md",
      ":(literal).fleet/queue/b.md",
    ]);

    rmSync(lock);
    writeFile(root, ".fleet/queue/c.md", "# C\n");
    await commitFleet(repo, { event: { ...event, task: "c" }, paths: [".fleet/queue/c.md"] });
    expect(existsSync(pending)).toBe(false);
    expect(gitOut(root, "status", "--porcelain")).toBe("");
  });
});
