/**
 * Two machines (two clones of one remote served by `git daemon` on loopback, each with its own remote
 * session) watch the same review branch: when a person merges it, exactly one of them lands `done`,
 * and both end with the task done and the remote base holding one `shipped` commit for it.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MergeWatch } from "../../src/coordinator/await-merge.js";
import { findRepo } from "../../src/git/repo.js";
import { RemoteSession } from "../../src/remote/remote-session.js";
import { fleetPaths } from "../../src/store/paths.js";
import { configSchema } from "../../src/store/schemas/config.js";
import { git } from "../gates/fixture.js";
import { gitOut, tempDir } from "../helpers/temp-repo.js";
import { awaitingTask, branchConfig, branchProject, TASK, taskNow } from "./ship-branch-fixture.js";
import { ship } from "./ship-fixture.js";

async function machine(url: string, name: string) {
  const root = path.join(tempDir(), name);
  git(path.dirname(root), "clone", "-q", url, root);
  git(root, "config", "user.name", `Daemon ${name}`);
  git(root, "config", "user.email", `${name}@example.com`);
  const repo = await findRepo(root);
  const remote = new RemoteSession(repo, { remote: "origin", base: "main", leaseMs: 60_000 });
  await remote.sync();
  const events: string[] = [];
  const watch = new MergeWatch(
    {
      repo,
      paths: fleetPaths(root),
      env: process.env,
      getRunner: () => {
        throw new Error("no runner here");
      },
      emit: (e) => events.push(e.event),
      now: () => new Date(),
      remote,
    },
    () => {},
  );
  const config = configSchema.parse(branchConfig("origin"));
  return { root, remote, events, check: () => watch.check([taskNow(root)], config, { force: true }) };
}

describe("the merge check on two machines", () => {
  it("lands done once: the machine that claims the task on the remote; the other follows", async () => {
    const { root, repo, person, daemon } = await branchProject({ remote: true });
    if (!person || !daemon) throw new Error("no remote");
    const outcome = await ship(repo, { cfg: branchConfig("origin") });
    if (outcome.kind !== "pushed") throw new Error(`not pushed: ${outcome.kind}`);
    await awaitingTask(root, outcome.review);
    git(root, "add", ".fleet/queue");
    git(root, "commit", "-qm", `fleet(ship): ${TASK} pushed`);
    git(root, "push", "-q", "origin", "main");
    const url = daemon.url;
    const a = await machine(url, "a");
    const b = await machine(url, "b");
    expect(taskNow(a.root).status).toBe("awaiting-merge");

    git(person, "pull", "-q", "origin", "main");
    git(person, "fetch", "-q", "origin");
    git(person, "merge", "-q", "--squash", `origin/fleet/${TASK}`);
    git(person, "commit", "-qm", "Greet Ada (#7)");
    git(person, "push", "-q", "origin", "main");

    await Promise.all([a.check(), b.check()]);
    await a.remote.sync();
    await b.remote.sync();
    expect([...a.events, ...b.events]).toEqual(["shipped"]);
    expect(taskNow(a.root).phase).toBe("done");
    expect(taskNow(b.root).phase).toBe("done");
    git(person, "pull", "-q", "origin", "main");
    const shipped = gitOut(
      person,
      "log",
      "--format=%H",
      "--all-match",
      `--grep=^Fleet-Task: ${TASK}$`,
      "--grep=^Fleet-Event: shipped$",
      "main",
    );
    expect(shipped.split("\n").filter(Boolean)).toHaveLength(1);
    expect(gitOut(person, "log", "-1", "--format=%(trailers:key=Fleet-Epoch,valueonly)", shipped)).toMatch(
      /^\d+$/,
    );
  });
});
