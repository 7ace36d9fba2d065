/**
 * What every state-changing command needs: the repository, its `.fleet/` paths, the person's git
 * identity (they are the author of the commit and the `by` of approvals), and `now`; and committing
 * the files a command wrote.
 */
import { FleetError } from "../errors.js";
import { commitFleet, type Identity } from "../git/commit-fleet.js";
import { findRepo, gitIdentity, type Repo } from "../git/repo.js";
import type { FleetEvent } from "../git/trailers.js";
import { type FleetPaths, relativeToRoot, taskPath } from "../store/paths.js";
import { nowTimestamp } from "../store/phases.js";
import type { Task } from "../store/schemas/task.js";
import { withStateLock } from "../store/state-lock.js";
import { writeTask } from "../store/write-records.js";
import { loadTask } from "./load-task.js";
import { requireFleet } from "./locate.js";

export { checkIdArg, loadTask } from "./load-task.js";

/** A person at a repository, about to change `.fleet/` state. `now` is an ISO timestamp. */
export interface PersonContext {
  repo: Repo;
  paths: FleetPaths;
  author: Identity;
  /** `Name <email>`, as written in `by:` fields and the `Fleet-By` trailer. */
  by: string;
  now: string;
}

/**
 * Builds the context for `cwd`.
 * @throws FleetError("not-found") outside a git repository or when git has no user.name/user.email;
 *   FleetError("not-initialized") without `.fleet/`.
 */
export async function personContext(cwd: string, now: Date = new Date()): Promise<PersonContext> {
  const repo = await findRepo(cwd);
  const paths = requireFleet(repo.root);
  const author = await requireIdentity(repo.root);
  return { repo, paths, author, by: `${author.name} <${author.email}>`, now: nowTimestamp(now) };
}

/**
 * The person's git identity (`user.name`, `user.email`).
 * @throws FleetError("not-found") with the commands to set it when either is missing.
 */
export async function requireIdentity(cwd: string): Promise<Identity> {
  const identity = await gitIdentity(cwd);
  if (!identity) {
    throw new FleetError("not-found", "git does not know who you are: user.name and user.email are not set", {
      hint: 'Run `git config --global user.name "Your Name"` and `git config --global user.email you@example.com`.',
    });
  }
  return identity;
}

/**
 * Commits `files` (absolute paths inside `.fleet/`) as one audit commit by the person.
 * @returns the commit sha, or null when nothing changed.
 */
export function commitChange(
  ctx: PersonContext,
  event: Omit<FleetEvent, "by">,
  files: readonly string[],
): Promise<string | null> {
  return commitFleet(ctx.repo, {
    event: { ...event, by: ctx.by },
    paths: files.map((f) => relativeToRoot(ctx.repo.root, f)),
    author: ctx.author,
  });
}

/** What a state-changing command returns: the task's place before and after, and the commit. */
export interface ChangeResult {
  id: string;
  title: string;
  from: { phase: string; status: string };
  to: { phase: string; status: string };
  /** The audit commit's sha, or null when the files already held this state. */
  commit: string | null;
}

/** The {@link ChangeResult} of a transition from `before` to `after`. */
export function changeResult(
  before: Pick<Task, "phase" | "status">,
  after: Pick<Task, "id" | "title" | "phase" | "status">,
  commit: string | null,
): ChangeResult {
  return {
    id: after.id,
    title: after.title,
    from: { phase: before.phase, status: before.status },
    to: { phase: after.phase, status: after.status },
    commit,
  };
}

/**
 * A person's change that touches only the task file: under the state lock, load task `id`, apply the
 * pure transition `apply`, write the task, and commit it as one audit commit described by `describe`
 * (event, phase, body; task id and title are filled in).
 * @throws FleetError not-found / invalid from loading, and whatever `apply` refuses (conflict, usage).
 */
export async function changeTask(
  opts: { cwd: string; id: string; now?: Date },
  apply: (task: Task, ctx: PersonContext) => Task,
  describe: (before: Task, after: Task) => Omit<FleetEvent, "by" | "task" | "title">,
): Promise<ChangeResult> {
  const ctx = await personContext(opts.cwd, opts.now);
  return withStateLock(ctx.repo.commonDir, async () => {
    const loaded = loadTask(ctx.paths, opts.id);
    const before = loaded.record;
    const task = apply(before, ctx);
    await writeTask(ctx.paths, task, loaded.body);
    const commit = await commitChange(ctx, { task: task.id, title: task.title, ...describe(before, task) }, [
      taskPath(ctx.paths, task.id),
    ]);
    return changeResult(before, task, commit);
  });
}
