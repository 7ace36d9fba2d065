/** `fleet idea "<title>"`: a person writes down a new idea (a task in `idea / draft` or `idea / ready`). */
import { existsSync } from "node:fs";
import { FleetError } from "../errors.js";
import { generateId } from "../store/ids.js";
import { taskPath } from "../store/paths.js";
import { readTask } from "../store/read-tasks.js";
import { type Task, taskSchema } from "../store/schemas/task.js";
import { withStateLock } from "../store/state-lock.js";
import { writeTask } from "../store/write-records.js";
import { checkIdArg, commitChange, personContext } from "./person-context.js";

/** Options of {@link idea}. */
export interface IdeaOptions {
  cwd: string;
  title: string;
  /** The markdown body: why we want it, what good looks like. */
  body?: string;
  /** Create it `ready` instead of `draft`. */
  ready?: boolean;
  /** 0 (highest) … 3; default 2. */
  priority?: number;
  dependsOn?: string[];
  touches?: string[];
  /** A hand-chosen id instead of a generated one. */
  id?: string;
  now?: Date;
}

/** The new task and its commit. */
export interface IdeaResult {
  id: string;
  title: string;
  phase: string;
  status: string;
  /** Path relative to the repository root. */
  file: string;
  commit: string | null;
}

/**
 * Writes `.fleet/queue/<id>.md` (id generated from the title unless given) and commits it, event `created`.
 * @throws FleetError usage (empty title, bad priority or id), conflict (the id is taken), not-found (a
 *   `dependsOn` id names no task).
 */
export async function idea(opts: IdeaOptions): Promise<IdeaResult> {
  const title = opts.title.replace(/\s+/g, " ").trim();
  if (title === "")
    throw new FleetError("usage", "an idea needs a title", { hint: 'fleet idea "Rate-limit the API"' });
  const priority = opts.priority ?? 2;
  if (!Number.isInteger(priority) || priority < 0 || priority > 3) {
    throw new FleetError("usage", `priority ${String(opts.priority)} is not one of 0, 1, 2, 3`, {
      hint: "0 is the highest priority, 3 the lowest; the default is 2.",
    });
  }
  const dependsOn = [...new Set((opts.dependsOn ?? []).map(checkIdArg))];
  if (opts.id !== undefined) checkIdArg(opts.id);
  const touches = (opts.touches ?? []).map((g) => g.trim());
  if (touches.some((g) => g === "")) {
    throw new FleetError("usage", "--touches needs a path or glob, e.g. 'src/api/**'");
  }
  const ctx = await personContext(opts.cwd, opts.now);
  return withStateLock(ctx.repo.commonDir, async () => {
    for (const dep of dependsOn) {
      if (readTask(ctx.paths, dep) === null) {
        throw new FleetError("not-found", `--depends-on ${dep}: there is no task ${dep}`, {
          hint: "`fleet ls --all` lists every task.",
        });
      }
    }
    const taken = (id: string) => existsSync(taskPath(ctx.paths, id));
    if (opts.id !== undefined && taken(opts.id)) {
      throw new FleetError("conflict", `a task ${opts.id} already exists (.fleet/queue/${opts.id}.md)`, {
        hint: "Choose another --id, or leave it out to have one generated.",
      });
    }
    const id = opts.id ?? generateId(title, taken);
    const task: Task = taskSchema.parse({
      id,
      title,
      phase: "idea",
      status: opts.ready ? "ready" : "draft",
      priority,
      depends_on: dependsOn,
      touches,
      created: ctx.now,
      updated: ctx.now,
    });
    const body = opts.body?.trim() ? `${opts.body.trim()}\n` : "";
    await writeTask(ctx.paths, task, body);
    const abs = taskPath(ctx.paths, id);
    const commit = await commitChange(
      ctx,
      { task: id, phase: "idea", event: "created", title, ...(opts.ready ? { body: "Created ready." } : {}) },
      [abs],
    );
    return { id, title, phase: task.phase, status: task.status, file: `.fleet/queue/${id}.md`, commit };
  });
}
