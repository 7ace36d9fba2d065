/**
 * Hand-dropped ideas: a file in `queue/` with no frontmatter (or without `id`/`title`) is a valid new
 * idea (design.md §1). The coordinator fills in the frontmatter — id from the file name, title from the
 * first heading, the defaults, `created` — keeps the body byte for byte, and commits it (`created`).
 *
 * A file is only rewritten once it has settled (unchanged for {@link SETTLE_MS}): replacing it while a
 * person's program still writes to it would lose what they write next.
 */
import { statSync } from "node:fs";
import { isErrnoError } from "../errors.js";
import { commitFleet } from "../git/commit-fleet.js";
import { git } from "../git/run-git.js";
import { isValidId } from "../store/ids.js";
import { relativeToRoot, taskPath } from "../store/paths.js";
import { readTask } from "../store/read-tasks.js";
import { nowTimestamp } from "../store/schemas/common.js";
import { withStateLock } from "../store/state-lock.js";
import { writeTask } from "../store/write-records.js";
import type { CoordinatorContext } from "./context.js";

/** A file younger than this (by mtime) is left alone for now, ms. */
export const SETTLE_MS = 250;

/** What happened to one idea: written and committed, not yet settled, or nothing to do. */
export type Normalized = "done" | "later" | "skip";

/**
 * Fills in task `id`'s frontmatter if it still lacks it.
 * @returns "later" when the file changed less than {@link SETTLE_MS} ago.
 */
export async function normalizeIdea(ctx: CoordinatorContext, id: string): Promise<Normalized> {
  const { repo, paths } = ctx;
  const file = taskPath(paths, id);
  try {
    if (ctx.now().getTime() - statSync(file).mtimeMs < SETTLE_MS) return "later";
  } catch (err) {
    if (isErrnoError(err, "ENOENT")) return "skip";
    throw err;
  }
  return withStateLock(repo.commonDir, async () => {
    const read = readTask(paths, id);
    if (!read?.ok || read.task.normalized) return "skip";
    const now = nowTimestamp(ctx.now());
    const record = { ...read.task.record, created: read.task.record.created ?? now, updated: now };
    await writeTask(paths, record, read.task.body);
    await commitFleet(repo, {
      event: { task: id, phase: record.phase, event: "created", title: record.title },
      paths: [relativeToRoot(paths.root, file)],
    });
    ctx.emit({
      at: ctx.now(),
      task: id,
      phase: record.phase,
      agent: null,
      event: "created",
      detail: `${record.phase} / ${record.status}`,
    });
    return "done";
  });
}

/**
 * Commits task files that appeared but are not in git yet (`created`): an idea a person wrote with
 * complete frontmatter, or one we filled in just before a crash. `names` are queue file names seen
 * for the first time.
 * @returns the names still to look at again: untracked files that are not valid or not filled in yet.
 */
export async function commitNewIdeas(ctx: CoordinatorContext, names: readonly string[]): Promise<string[]> {
  if (names.length === 0) return [];
  const { repo, paths } = ctx;
  const queue = relativeToRoot(paths.root, paths.queue);
  const specs = names.length > 200 ? [queue] : names.map((n) => `${queue}/${n}`);
  const out = await git(["ls-files", "--others", "--exclude-standard", "-z", "--", ...specs], {
    cwd: repo.root,
  });
  // Also files in the index but not in HEAD: a commit of ours killed between setting the person's
  // index entries and moving HEAD leaves a new task file staged, never committed.
  const staged = await git(
    ["diff", "--cached", "--name-only", "--diff-filter=A", "-z", "HEAD", "--", ...specs],
    {
      cwd: repo.root,
      okCodes: [128],
    },
  );
  const wanted = new Set(names);
  const again: string[] = [];
  for (const rel of new Set([...out.stdout.split("\0"), ...staged.stdout.split("\0")])) {
    if (rel === "") continue;
    const name = rel.slice(queue.length + 1);
    const id = name.slice(0, -3);
    if (!wanted.has(name) || !isValidId(id)) continue;
    const waits = await withStateLock(repo.commonDir, async () => {
      const read = readTask(paths, id);
      if (read === null) return false;
      if (!read.ok || !read.task.normalized) return true;
      const r = read.task.record;
      const sha = await commitFleet(repo, {
        event: { task: id, phase: r.phase, event: "created", title: r.title },
        paths: [rel],
      });
      if (sha)
        ctx.emit({
          at: ctx.now(),
          task: id,
          phase: r.phase,
          agent: null,
          event: "created",
          detail: `${r.phase} / ${r.status}`,
        });
      return false;
    });
    if (waits) again.push(name);
  }
  return again;
}
