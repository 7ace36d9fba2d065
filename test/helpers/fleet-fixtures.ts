/** Records in given lifecycle states, written as the coordinator would write them, for command tests. */
import { stringifyFrontmatter } from "../../src/store/frontmatter.js";
import { type Plan, planSchema } from "../../src/store/schemas/artifacts.js";
import { type Task, taskSchema } from "../../src/store/schemas/task.js";
import { LAYOUT, serializeTask } from "../../src/store/write-records.js";
import { gitOut, writeFile } from "./temp-repo.js";

/** A full task record: `fields` over the schema's defaults. */
export function makeTask(fields: Partial<Task> & { id: string }): Task {
  return taskSchema.parse({
    title: `Task ${fields.id}`,
    created: "2026-11-20T10:00:00Z",
    updated: "2026-11-20T10:00:00Z",
    ...fields,
  });
}

/** Writes `.fleet/queue/<id>.md` for `fields` under `root`. */
export function writeTaskFile(
  root: string,
  fields: Partial<Task> & { id: string },
  body = "Why we want it.\n",
): string {
  const task = makeTask(fields);
  return writeFile(root, `.fleet/queue/${task.id}.md`, serializeTask(task, body));
}

/** A plan record for task `id`. */
export function makePlan(id: string, fields: Partial<Plan> = {}): Plan {
  return planSchema.parse({ task: id, agent: "planner", run: 2, ...fields });
}

/** Writes plan, acceptance (one check) and one acceptance file for task `id`. */
export function writePlanFiles(root: string, id: string, plan: Partial<Plan> = {}): void {
  writeFile(
    root,
    `.fleet/plans/${id}.md`,
    stringifyFrontmatter(makePlan(id, plan), "1. Add the limiter.\n2. Test it.\n", LAYOUT.plan),
  );
  writeFile(
    root,
    `.fleet/acceptance/${id}.md`,
    stringifyFrontmatter(
      {
        task: id,
        checks: [
          {
            id: "AC1",
            says: "the limiter test passes",
            run: `node --test .fleet/acceptance/${id}/limit.test.mjs`,
          },
        ],
      },
      "The limit holds.\n",
      LAYOUT.acceptance,
    ),
  );
  writeFile(
    root,
    `.fleet/acceptance/${id}/limit.test.mjs`,
    "import test from 'node:test';\ntest('limit', () => {});\n",
  );
}

/** Commits everything under `.fleet/` with plain git (a stand-in for the coordinator's commits). */
export function commitFleetDir(root: string, message = "seed .fleet"): void {
  gitOut(root, "add", "--", ".fleet");
  gitOut(root, "commit", "-q", "-m", message, "--", ".fleet");
}
