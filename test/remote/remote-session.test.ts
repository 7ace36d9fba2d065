// The remote protocol, in-process against a real git daemon: claims race and exactly one wins; a
// fenced-off holder's landing is refused by the remote; a refused push is replayed over someone
// else's commit, never forced; a person's own unpushed commit is never pushed by the fleet.
import { execFileSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { commitFleet } from "../../src/git/commit-fleet.js";
import { findRepo } from "../../src/git/repo.js";
import { RemoteSession } from "../../src/remote/remote-session.js";
import { gitOut, tempDir, writeFile } from "../helpers/temp-repo.js";
import { type GitRemote, gitRemote } from "../support/git-daemon.js";

/** A remote holding one commit on main, and `n` clones of it. */
async function remoteWithClones(n: number): Promise<{ remote: GitRemote; clones: string[] }> {
  const remote = await gitRemote();
  const clones = Array.from({ length: n }, (_, i) => {
    const dir = tempDir(`fleet-clone-${i}-`);
    execFileSync("git", ["clone", "-q", remote.url, dir], { stdio: "ignore" });
    gitOut(dir, "config", "user.name", `Clone ${i}`);
    gitOut(dir, "config", "user.email", `c${i}@example.com`);
    return dir;
  });
  const first = clones[0] as string;
  writeFile(first, ".fleet/queue/t1.md", "---\nid: t1\n---\n# One\n");
  writeFile(first, "README.md", "hello\n");
  gitOut(first, "add", "-A");
  gitOut(first, "commit", "-q", "-m", "start");
  gitOut(first, "push", "-q", "origin", "main");
  for (const dir of clones.slice(1)) gitOut(dir, "pull", "-q", "origin", "main");
  return { remote, clones };
}

const session = async (dir: string, leaseMs = 60_000, now?: () => Date) =>
  new RemoteSession(await findRepo(dir), {
    remote: "origin",
    base: "main",
    leaseMs,
    ...(now ? { now } : {}),
  });

const onRemote = (remote: GitRemote, ...args: string[]) =>
  execFileSync("git", ["--git-dir", remote.dir, ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });

/** Commits `.fleet/queue/t1.md` with `text` as a landing of epoch `epoch` in `dir`. */
async function land(dir: string, text: string, epoch: number): Promise<string> {
  writeFile(dir, ".fleet/queue/t1.md", text);
  const commit = await commitFleet(await findRepo(dir), {
    event: { task: "t1", phase: "research", event: "researched", run: 1, epoch },
    paths: [".fleet/queue/t1.md"],
  });
  return commit as string;
}

describe("RemoteSession", () => {
  it("of three machines claiming one task at once, exactly one wins", async () => {
    const { clones } = await remoteWithClones(3);
    const sessions = await Promise.all(clones.map((c) => session(c)));
    await Promise.all(sessions.map((s) => s.sync()));
    const won = await Promise.all(sessions.map((s) => s.claim("t1", "research", 1)));
    expect(won.filter(Boolean)).toHaveLength(1);
    // The losers see it held once they fetch, and stay away.
    for (const [i, s] of sessions.entries()) {
      await s.sync();
      expect(s.heldElsewhere().has("t1")).toBe(!won[i]);
    }
  });

  it("a holder whose lease ran out and whose task was taken over has its landing refused by the remote", async () => {
    const { remote, clones } = await remoteWithClones(2);
    let clock = Date.now();
    const now = () => new Date(clock);
    const a = await session(clones[0] as string, 1_000, now);
    const b = await session(clones[1] as string, 1_000, now);
    await a.sync();
    expect(await a.claim("t1", "research", 1)).toBe(true);
    await b.sync();
    expect(b.heldElsewhere().has("t1")).toBe(true);
    expect(await b.claim("t1", "research", 2)).toBe(false);
    clock += 5_000; // a's lease has run out: b takes the task over with a larger epoch
    expect(b.heldElsewhere().has("t1")).toBe(false);
    expect(await b.claim("t1", "research", b.epochOf("t1") + 1)).toBe(true);
    const before = onRemote(remote, "rev-parse", "main").trim();
    const late = await land(clones[0] as string, "---\nid: t1\n---\n# One, by a\n", 1);
    const published = await a.publish();
    expect(published.fenced.map((f) => f.commit)).toEqual([late]);
    expect(onRemote(remote, "rev-parse", "main").trim()).toBe(before);
    // a's clone follows the remote again: its refused commit is gone from its base.
    expect(gitOut(clones[0] as string, "rev-parse", "HEAD")).toBe(before);
    const claim = JSON.parse(onRemote(remote, "log", "-1", "--format=%B", "refs/fleet/claims/t1"));
    expect(claim).toMatchObject({ epoch: 2, active: true });
    expect(await a.renew("t1")).toBe(false);
    // b's landing goes out, and releases b's claim in the same push.
    await land(clones[1] as string, "---\nid: t1\n---\n# One, by b\n", 2);
    const ok = await b.publish();
    expect(ok.fenced).toEqual([]);
    expect(onRemote(remote, "show", "main:.fleet/queue/t1.md")).toContain("by b");
    expect(JSON.parse(onRemote(remote, "log", "-1", "--format=%B", "refs/fleet/claims/t1")).active).toBe(
      false,
    );
  });

  it("a push refused because a person moved the base is replayed onto theirs, never forced", async () => {
    const { remote, clones } = await remoteWithClones(2);
    const [mine, theirs] = clones as [string, string];
    const s = await session(mine);
    await s.sync();
    writeFile(theirs, "person.txt", "theirs\n");
    gitOut(theirs, "add", "person.txt");
    gitOut(theirs, "commit", "-q", "-m", "a person's commit");
    gitOut(theirs, "push", "-q", "origin", "main");
    writeFile(mine, ".fleet/queue/t2.md", "---\nid: t2\n---\n# Two\n");
    await commitFleet(await findRepo(mine), {
      event: { task: "t2", phase: "idea", event: "created" },
      paths: [".fleet/queue/t2.md"],
    });
    const published = await s.publish();
    expect(published.pushed).toBe(1);
    expect(onRemote(remote, "show", "main:person.txt")).toBe("theirs\n");
    expect(onRemote(remote, "show", "main:.fleet/queue/t2.md")).toContain("# Two");
    expect(onRemote(remote, "log", "--format=%s", "main")).toContain("a person's commit");
    // The local base and work tree followed: the person's file is here now.
    expect(gitOut(mine, "rev-parse", "HEAD")).toBe(onRemote(remote, "rev-parse", "main").trim());
    expect(gitOut(mine, "show", "HEAD:person.txt")).toBe("theirs");
  });

  it("never pushes a person's own unpushed commit", async () => {
    const { remote, clones } = await remoteWithClones(1);
    const dir = clones[0] as string;
    const s = await session(dir);
    await s.sync();
    writeFileSync(path.join(dir, "mine.txt"), "not yet\n");
    gitOut(dir, "add", "mine.txt");
    gitOut(dir, "commit", "-q", "-m", "local work");
    await expect(s.sync()).rejects.toThrow(/not fleet state/);
    expect(() => onRemote(remote, "show", "main:mine.txt")).toThrow();
  });

  it("a push whose answer was lost (the remote died after updating its refs) is settled by reading the remote, not pushed twice", async () => {
    const { remote, clones } = await remoteWithClones(1);
    const dir = clones[0] as string;
    const s = await session(dir);
    await s.sync();
    // The remote's receive-pack dies the moment its ref update is committed: the client never hears back.
    const hook = path.join(remote.dir, "hooks", "reference-transaction");
    writeFileSync(hook, '#!/bin/sh\nif [ "$1" = committed ]; then kill -9 $PPID; fi\n', { mode: 0o755 });
    writeFile(dir, ".fleet/queue/t3.md", "---\nid: t3\n---\n# Three\n");
    const commit = await commitFleet(await findRepo(dir), {
      event: { task: "t3", phase: "idea", event: "created" },
      paths: [".fleet/queue/t3.md"],
    });
    const before = Number(onRemote(remote, "rev-list", "--count", "main"));
    const published = await s.publish();
    rmSync(hook);
    expect(published.tip).toBe(commit);
    expect(onRemote(remote, "rev-parse", "main").trim()).toBe(commit);
    expect(Number(onRemote(remote, "rev-list", "--count", "main"))).toBe(before + 1);
  });
});
