/**
 * Branch-mode ship fixtures: the ship project of ship-fixture.ts, optionally with its base served by a
 * real `git daemon` on loopback as remote `origin`, a person's clone of that remote, and a
 * {@link MergeWatch} over the clone.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { MergeWatch } from "../../src/coordinator/await-merge.js";
import type { FleetLogEvent } from "../../src/coordinator/job.js";
import type { Repo } from "../../src/git/repo.js";
import { fleetPaths, taskPath } from "../../src/store/paths.js";
import { readTask } from "../../src/store/read-tasks.js";
import { configSchema } from "../../src/store/schemas/config.js";
import type { ReviewBranch } from "../../src/store/schemas/review-branch.js";
import type { Task } from "../../src/store/schemas/task.js";
import { writeTask } from "../../src/store/write-records.js";
import { git } from "../gates/fixture.js";
import { tempDir } from "../helpers/temp-repo.js";
import { type GitRemote, gitRemoteOf } from "../support/git-daemon.js";
import { shipProject, shipTaskRecord, TASK } from "./ship-fixture.js";

export { TASK };

/** The ship project; with `remote`, its `main` served over git:// as `origin`, and a person's clone of it. */
export async function branchProject(opts: { remote: boolean }) {
  const project = await shipProject();
  if (!opts.remote) return { ...project, daemon: null as GitRemote | null, person: null as string | null };
  const daemon = await gitRemoteOf(project.root);
  const url = daemon.url;
  git(project.root, "remote", "add", "origin", url);
  const person = path.join(tempDir(), "person");
  git(path.dirname(person), "clone", "-q", url, person);
  git(person, "config", "user.name", "Grace Hopper");
  git(person, "config", "user.email", "grace@example.com");
  return { ...project, daemon, person };
}

/** config.md for branch mode; `remote` null keeps the branch in the clone. */
export function branchConfig(remote: string | null, extra: Record<string, unknown> = {}) {
  return { ship: { mode: "branch", ...extra }, remote };
}

/** Writes the task file at `ship / awaiting-merge` with `review` (as the ship landing does). */
export async function awaitingTask(root: string, review: ReviewBranch): Promise<Task> {
  const task = { ...shipTaskRecord(), status: "awaiting-merge" as const, review_branch: review };
  await writeTask(fleetPaths(root), task, "Greet Ada properly.\n");
  return task;
}

/** The task as its file now says. */
export function taskNow(root: string): Task {
  const read = readTask(fleetPaths(root), TASK);
  if (!read?.ok) throw new Error("task file unreadable");
  return read.task.record;
}

/** The raw task file. */
export function taskText(root: string): string {
  return readFileSync(taskPath(fleetPaths(root), TASK), "utf8");
}

/** A MergeWatch over `repo` with its events collected; `check()` runs one check with `remote`'s config. */
export function mergeWatch(repo: Repo, remote: string | null) {
  const events: FleetLogEvent[] = [];
  const changed: string[] = [];
  const watch = new MergeWatch(
    {
      repo,
      paths: fleetPaths(repo.root),
      env: process.env,
      getRunner: () => {
        throw new Error("no runner in merge tests");
      },
      emit: (e) => events.push(e),
      now: () => new Date(),
    },
    (file) => changed.push(file),
  );
  const config = configSchema.parse(branchConfig(remote));
  return {
    events,
    changed,
    check: () => watch.check([taskNow(repo.root)], config, { force: true }),
  };
}
