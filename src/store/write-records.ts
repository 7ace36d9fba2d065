/**
 * Writing records back to `.fleet/`: stable field order, deterministic YAML, atomic replace. Writing a
 * record we read, unchanged, produces the same bytes — so no diff and no commit. Task and plan files
 * are the ones people edit by hand: the comments in their frontmatter are carried over (comments.ts).
 */
import { readTextIfExists, writeFileAtomically } from "./atomic-write.js";
import { carryComments } from "./comments.js";
import { type StringifyOptions, stringifyFrontmatter } from "./frontmatter.js";
import { acceptancePath, type FleetPaths, planPath, researchPath, runPath, taskPath } from "./paths.js";
import { type Acceptance, PLAN_KEY_ORDER, type Plan, type Research } from "./schemas/artifacts.js";
import { RUN_KEY_ORDER, type Run } from "./schemas/run.js";
import { TASK_KEY_ORDER, type Task } from "./schemas/task.js";

/** Layouts per record kind: tasks keep short lists inline (`depends_on: []`), the rest are block style. */
export const LAYOUT = {
  task: { keyOrder: TASK_KEY_ORDER, flowLevel: 1 },
  plan: { keyOrder: PLAN_KEY_ORDER, flowLevel: -1 },
  research: { keyOrder: PLAN_KEY_ORDER, flowLevel: -1 },
  acceptance: { keyOrder: ["task", "checks", "on_base"], flowLevel: -1 },
  run: { keyOrder: RUN_KEY_ORDER, flowLevel: 2 },
  child: { keyOrder: ["title", "priority", "touches", "depends_on"], flowLevel: 1 },
} satisfies Record<string, StringifyOptions>;

/** The text of a task file. */
export function serializeTask(task: Task, body: string): string {
  return stringifyFrontmatter(task, body, LAYOUT.task);
}

/** Writes `file` as `text`, keeping the frontmatter comments of the file it replaces. */
async function replaceKeepingComments(file: string, text: string): Promise<boolean> {
  const current = readTextIfExists(file);
  return writeFileAtomically(file, carryComments(current, text), current);
}

/**
 * Writes `.fleet/queue/<id>.md` atomically, keeping a person's frontmatter comments.
 * @returns true when the file changed.
 */
export function writeTask(paths: FleetPaths, task: Task, body: string): Promise<boolean> {
  return replaceKeepingComments(taskPath(paths, task.id), serializeTask(task, body));
}

/**
 * The text {@link writeTask} writes: `task` laid out afresh, with the frontmatter comments of the task
 * file there now (for writers that apply the text later, such as the landing journal).
 */
export function taskFileText(paths: FleetPaths, task: Task, body: string): string {
  return carryComments(readTextIfExists(taskPath(paths, task.id)), serializeTask(task, body));
}

/**
 * Writes `.fleet/plans/<id>.md`, keeping a person's frontmatter comments.
 * @returns true when the file changed.
 */
export function writePlan(paths: FleetPaths, plan: Plan, body: string): Promise<boolean> {
  return replaceKeepingComments(planPath(paths, plan.task), stringifyFrontmatter(plan, body, LAYOUT.plan));
}

/** Writes `.fleet/research/<id>.md`. @returns true when the file changed. */
export function writeResearch(paths: FleetPaths, research: Research, body: string): Promise<boolean> {
  return writeFileAtomically(
    researchPath(paths, research.task),
    stringifyFrontmatter(research, body, LAYOUT.research),
  );
}

/** Writes `.fleet/acceptance/<id>.md`. @returns true when the file changed. */
export function writeAcceptance(
  paths: FleetPaths,
  id: string,
  acceptance: Acceptance,
  body: string,
): Promise<boolean> {
  return writeFileAtomically(
    acceptancePath(paths, id),
    stringifyFrontmatter(acceptance, body, LAYOUT.acceptance),
  );
}

/** Writes `.fleet/runs/<id>/<seq>-<phase>.md`. @returns true when the file changed. */
export function writeRun(paths: FleetPaths, run: Run, body: string): Promise<boolean> {
  return writeFileAtomically(
    runPath(paths, run.task, run.seq, run.phase),
    stringifyFrontmatter(run, body, LAYOUT.run),
  );
}
