// The git remote as the engine, end to end: three clones of one remote served by `git daemon` on
// 127.0.0.1, each with its own real `fleet watch`, drain one queue. The fake agent logs every start and
// end to one shared file, so a task run twice at once shows up as an OVERLAP line.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type Daemon, e2eFleet, startFleet, waitFor } from "../e2e/daemon-helpers.js";
import { fleetOk } from "../helpers/run-fleet.js";
import { gitOut, tempDir } from "../helpers/temp-repo.js";
import { type GitRemote, gitRemote } from "../support/git-daemon.js";

const CONFIG = "concurrency: 2\nremote: origin\nlease: 3s\nrescan: 500ms\nreview: { plan: auto }\n";

/** `git <args>` in the bare remote. */
function inRemote(remote: GitRemote, ...args: string[]): string {
  return execFileSync("git", ["--git-dir", remote.dir, ...args], { encoding: "utf8" });
}

/** The task's `phase / status` as the remote's main holds it, or "" when it is not there. */
function remoteState(remote: GitRemote, id: string): string {
  try {
    const text = inRemote(remote, "show", `main:.fleet/queue/${id}.md`);
    const phase = /^phase: (\S+)/m.exec(text)?.[1];
    const status = /^status: (\S+)/m.exec(text)?.[1];
    return `${phase} / ${status}`;
  } catch {
    return "";
  }
}

/** How many commits on the remote's main carry `Fleet-Event: <event>` for task `id`. */
function eventsOn(remote: GitRemote, id: string, event: string): number {
  const out = inRemote(
    remote,
    "log",
    "main",
    "--format=%(trailers:key=Fleet-Task,valueonly,separator=)|%(trailers:key=Fleet-Event,valueonly,separator=)",
  );
  return out.split("\n").filter((l) => l === `${id}|${event}`).length;
}

/** A fleet repository with `count` ready ideas, pushed to a fresh remote, and `machines` clones of it. */
async function fleetOnRemote(count: number, machines: number, config = CONFIG) {
  const remote = await gitRemote();
  const seed = e2eFleet(config);
  const ids = Array.from({ length: count }, (_, i) => `task-${String(i).padStart(2, "0")}`);
  for (const id of ids) fleetOk(seed.root, ["idea", `Make ${id}`, "--ready", "--id", id]);
  gitOut(seed.root, "remote", "add", "origin", remote.url);
  gitOut(seed.root, "push", "-q", "origin", "main");
  const clones = Array.from({ length: machines }, (_, i) => {
    const dir = tempDir(`fleet-machine-${i}-`);
    execFileSync("git", ["clone", "-q", remote.url, dir]);
    gitOut(dir, "config", "user.name", `Machine ${i}`);
    gitOut(dir, "config", "user.email", `m${i}@example.com`);
    return dir;
  });
  return { remote, seed, ids, clones };
}

const explain = (remote: GitRemote, ids: string[], daemons: Daemon[]) => () =>
  `${ids.map((id) => `${id}: ${remoteState(remote, id)}`).join("\n")}\n${daemons.map((d) => d.out().slice(-3000)).join("\n---\n")}`;

describe("the remote as the engine", () => {
  it("three daemons on three clones drain one queue: no task runs twice at once, none ships twice", async () => {
    const { remote, seed, ids, clones } = await fleetOnRemote(30, 3);
    const daemons = clones.map((dir) => startFleet(dir));
    await waitFor(
      "every task done on the remote",
      () => ids.every((id) => remoteState(remote, id).startsWith("done / ")),
      600_000,
      explain(remote, ids, daemons),
    );
    for (const d of daemons) d.child.kill("SIGTERM");
    await Promise.all(daemons.map((d) => d.exited));
    expect(seed.logLines().filter((l) => l.startsWith("OVERLAP"))).toEqual([]);
    for (const id of ids) {
      const story = () =>
        inRemote(
          remote,
          "log",
          "main",
          "--format=%h %an %s | %(trailers:key=Fleet-Epoch,valueonly,separator=) %(trailers:key=Fleet-Run,valueonly,separator=)",
          `--grep=^Fleet-Task: ${id}$`,
        );
      expect(eventsOn(remote, id, "shipped"), `${id}\n${story()}`).toBe(1);
      expect(inRemote(remote, "show", `main:${id}.txt`)).toBe("made by the implementer\n");
      // Every phase's agent ran (a phase whose result missed the remote may run again, never at once).
      const phases = new Set(
        seed
          .logLines()
          .filter((l) => l.startsWith(`start ${id} `))
          .map((l) => l.split(" ")[2]),
      );
      expect([...phases].sort(), id).toEqual(["implement", "plan", "research"]);
    }
    // Work was shared: more than one machine ran agents.
    const machines = new Set(daemons.map((d, i) => (/started/.test(d.out()) ? i : -1)).filter((i) => i >= 0));
    expect(machines.size).toBeGreaterThan(1);
    inRemote(remote, "fsck", "--strict", "--no-dangling");
    // The claims are refs on the remote, and every one was released.
    const claims = inRemote(remote, "for-each-ref", "--format=%(refname)", "refs/fleet/claims/")
      .trim()
      .split("\n");
    expect(claims.sort()).toEqual(ids.map((id) => `refs/fleet/claims/${id}`));
    for (const ref of claims)
      expect(JSON.parse(inRemote(remote, "log", "-1", "--format=%B", ref)).active).toBe(false);
  }, 700_000);

  it("a daemon killed mid-run loses its claims at lease expiry and another finishes its work; the remote down and up again; a person's own push is kept", async () => {
    const { remote, seed, ids, clones } = await fleetOnRemote(8, 3);
    seed.behave({ sleepMs: 1_500 });
    const person = tempDir("fleet-person-");
    execFileSync("git", ["clone", "-q", remote.url, person]);
    gitOut(person, "config", "user.name", "Person");
    gitOut(person, "config", "user.email", "person@example.com");
    const daemons = clones.map((dir) => startFleet(dir));
    const [victim] = daemons as [Daemon];
    await waitFor("the first daemon runs an agent", () => /started/.test(victim.out()), 60_000);
    victim.child.kill("SIGKILL");
    await victim.exited;
    // The network goes away for a moment: daemons wait and carry on.
    await remote.stop();
    await new Promise((r) => setTimeout(r, 2_000));
    await remote.start();
    // A person pushes a commit of their own to main while the fleet works.
    writeFileSync(path.join(person, "person.txt"), "mine\n");
    gitOut(person, "add", "person.txt");
    gitOut(person, "commit", "-q", "-m", "a person's own commit");
    for (let i = 0; ; i++) {
      try {
        gitOut(person, "pull", "-q", "--rebase", "origin", "main");
        gitOut(person, "push", "-q", "origin", "main");
        break;
      } catch (err) {
        if (i > 20) throw err;
      }
    }
    await waitFor(
      "every task done on the remote",
      () => ids.every((id) => remoteState(remote, id).startsWith("done / ")),
      240_000,
      explain(remote, ids, daemons),
    );
    for (const d of daemons.slice(1)) d.child.kill("SIGTERM");
    await Promise.all(daemons.map((d) => d.exited));
    expect(seed.logLines().filter((l) => l.startsWith("OVERLAP"))).toEqual([]);
    for (const id of ids) expect(eventsOn(remote, id, "shipped"), id).toBe(1);
    expect(inRemote(remote, "show", "main:person.txt")).toBe("mine\n");
    expect(inRemote(remote, "log", "--format=%s", "main")).toContain("a person's own commit");
    inRemote(remote, "fsck", "--strict", "--no-dangling");
  }, 300_000);
});
