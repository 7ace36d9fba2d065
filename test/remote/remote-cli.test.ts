// The remote from the person's side, through the built CLI: `fleet init --remote` sets it up, commands
// that commit push at once, `fleet sync` reports, and a person's own unpushed commit is never pushed.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fleetOk, runFleet } from "../helpers/run-fleet.js";
import { gitOut, tempRepo, writeFile } from "../helpers/temp-repo.js";
import { gitRemote } from "../support/git-daemon.js";

describe("fleet init --remote, fleet sync", () => {
  it("sets remote: in config.md, gives the remote the base branch, and later commands push at once", async () => {
    const remote = await gitRemote();
    const root = tempRepo();
    gitOut(root, "remote", "add", "origin", remote.url);
    const init = fleetOk(root, ["init", "--no-check", "--remote", "origin"]);
    expect(init.stdout).toContain("origin had no base branch: pushed this clone's.");
    expect(readFileSync(path.join(root, ".fleet", "config.md"), "utf8")).toMatch(/^remote: origin$/m);
    const onRemote = (...args: string[]) =>
      execFileSync("git", ["--git-dir", remote.dir, ...args], { encoding: "utf8" });
    expect(onRemote("show", "main:.fleet/config.md")).toMatch(/^remote: origin$/m);
    fleetOk(root, ["idea", "Shared idea", "--id", "shared"]);
    expect(onRemote("show", "main:.fleet/queue/shared.md")).toContain("Shared idea");
    const sync = JSON.parse(fleetOk(root, ["sync", "--json"]).stdout);
    expect(sync).toMatchObject({
      remote: "origin",
      base: "main",
      published: { pushed: 0, fenced: [], dropped: [] },
    });
    expect(sync.published.tip).toBe(onRemote("rev-parse", "main").trim());
    // A project with .fleet/ already: --remote alone edits config.md in place and commits it.
    const again = fleetOk(root, ["init", "--remote", "origin"]);
    expect(again.stdout).toContain("config.md already says remote: origin");
  });

  it("never pushes the person's own commit: the command succeeds here and says why it is not on the remote", async () => {
    const remote = await gitRemote();
    const root = tempRepo();
    gitOut(root, "remote", "add", "origin", remote.url);
    fleetOk(root, ["init", "--no-check", "--remote", "origin"]);
    writeFile(root, "mine.txt", "work in progress\n");
    gitOut(root, "add", "mine.txt");
    gitOut(root, "commit", "-q", "-m", "my local work");
    const idea = fleetOk(root, ["idea", "Another", "--id", "another"]);
    expect(idea.stderr).toMatch(/not yet on the remote: .*not fleet state/);
    const onRemote = (...args: string[]) =>
      execFileSync("git", ["--git-dir", remote.dir, ...args], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      });
    expect(() => onRemote("show", "main:mine.txt")).toThrow();
    expect(() => onRemote("show", "main:.fleet/queue/another.md")).toThrow();
    const sync = runFleet(root, ["sync"]);
    expect(sync.code).toBe(4);
    expect(sync.stderr).toContain("Push your own commits yourself");
  });
});
