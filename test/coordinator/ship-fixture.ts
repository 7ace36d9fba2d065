/** A project with a task branch `fleet/<TASK>` ready to ship, for the ship tests. */
import { spawnSync } from "node:child_process";
import { type ShipInput, shipTask } from "../../src/coordinator/ship-task.js";
import { findRepo, type Repo } from "../../src/git/repo.js";
import { type Task, taskSchema } from "../../src/store/schemas/task.js";
import { commitFiles, config, GOOD_GREET, gateProject, git, TASK } from "../gates/fixture.js";

export { TASK };

/** The project of `gateProject` plus branch `fleet/<TASK>` holding a correct implementation. */
export async function shipProject(files: Record<string, string | null> = { "src/greet.js": GOOD_GREET }) {
  const project = await gateProject();
  const tip = commitFiles(project.root, project.base, files, "attempt 1");
  git(project.root, "branch", `fleet/${TASK}`, tip);
  return { ...project, tip };
}

/** The task record as it stands at `ship / running`. */
export function shipTaskRecord(): Task {
  return taskSchema.parse({ id: TASK, title: "Greet Ada properly", phase: "ship", status: "running" });
}

/**
 * Runs `shipTask` with defaults: ship gates `test` and `acceptance`, and the branch's tip as the commit
 * the implement gates passed.
 */
export async function ship(
  repo: Repo,
  overrides: Partial<ShipInput> & { cfg?: Record<string, unknown> } = {},
) {
  const { cfg, ...rest } = overrides;
  const branch = `refs/heads/fleet/${TASK}`;
  const tip = spawnSync("git", ["rev-parse", "--verify", "-q", branch], {
    cwd: repo.root,
    encoding: "utf8",
  }).stdout.trim();
  return shipTask({
    judged: tip || null,
    repo,
    config: config({ gates: { ship: ["test", "acceptance"] }, ...cfg }),
    task: shipTaskRecord(),
    label: "009-ship",
    shipApproved: false,
    parentEnv: process.env,
    ...rest,
  });
}

export { findRepo };
