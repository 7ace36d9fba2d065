/**
 * A read cache for `.fleet/queue/`, so listing 10,000 tasks costs a `stat` per file instead of a parse.
 *
 * The cache lives under the git directory (`fleet/cache/tasks.json`, never committed) and maps each
 * file name to the board's fields of its validated record (id, title, phase, status, priority,
 * updated, question), keyed by the file's mtime, ctime, size and inode: any write —
 * ours (an atomic rename gives a new inode), an editor's, or git's checkout — changes the key and the
 * file is parsed again. Problems of invalid files are cached the same way. The cache is only an
 * accelerator: if it is missing, corrupt or from another version, everything is re-read.
 *
 * This module imports no parser: zod and js-yaml (≈ 90 ms to load) are imported only on a miss.
 */
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { isErrnoError } from "../errors.js";
import type { FleetPaths } from "./paths.js";
import type { Problem } from "./read-file.js";
import { readRecordText } from "./read-text.js";
import type { ReviewBranch } from "./schemas/review-branch.js";
import type { Task } from "./schemas/task.js";

/** Bump when the task schema or the entry shape changes: old caches are then ignored. */
const CACHE_VERSION = 5;

/**
 * The fields of a task the board shows; all a listing needs. `updated`: null when the file has none;
 * `cost_usd`: the task's total agent cost in USD (null when no runner reported one); `review_branch`:
 * where a `ship.mode: branch` ship left the change (branch, remote, pull request, gone), or null.
 */
export type BoardTask = Pick<
  Task,
  "id" | "title" | "phase" | "status" | "priority" | "question" | "attempts" | "parent"
> & {
  updated: string | null;
  cost_usd: number | null;
  review_branch: Pick<ReviewBranch, "branch" | "remote" | "pr" | "gone"> | null;
};

/** What a listing shows of a task's `review_branch:` (branch, remote, pull request, gone), or null. */
export function reviewBranchSummary(rb: ReviewBranch | null): BoardTask["review_branch"] {
  return rb ? { branch: rb.branch, remote: rb.remote, pr: rb.pr, gone: rb.gone } : null;
}

/** A task as listed. */
export interface TaskEntry {
  record: BoardTask;
  /** Path relative to the repository root. */
  file: string;
  /** False for a hand-dropped idea the coordinator has not filled in yet. */
  normalized: boolean;
}

/** Every task that loaded, by id, plus every problem of the files that did not. */
export interface TaskIndex {
  tasks: Map<string, TaskEntry>;
  problems: Problem[];
}

/** mtimeMs, ctimeMs, size, ino of a file: any write changes one of them. */
type Key = [number, number, number, number];
/**
 * One file's cache line, flat so that 10,000 of them parse fast: its key, then either
 * `normalized (0|1), id, title, phase, status, priority, updated, question, attempts, cost_usd, parent, review_branch` or the
 * file's problems.
 */
type CacheEntry =
  | [
      ...Key,
      0 | 1,
      string,
      string,
      Task["phase"],
      Task["status"],
      number,
      string | null,
      string | null,
      Record<string, number>,
      number | null,
      string | null,
      BoardTask["review_branch"],
    ]
  | [...Key, Problem[]];

interface CacheFile {
  v: number;
  e: Record<string, CacheEntry>;
}

function loadCache(file: string): CacheFile | null {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as CacheFile;
    return parsed.v === CACHE_VERSION && parsed.e ? parsed : null;
  } catch {
    return null;
  }
}

function saveCache(file: string, cache: CacheFile): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(cache));
    renameSync(tmp, file);
  } catch {
    // A cache that cannot be written only costs speed next time.
  }
}

function sameKey(entry: CacheEntry | undefined, key: Key): entry is CacheEntry {
  return (
    entry !== undefined &&
    entry[0] === key[0] &&
    entry[1] === key[1] &&
    entry[2] === key[2] &&
    entry[3] === key[3]
  );
}

/**
 * Lists `.fleet/queue/` like `readTasks`, without bodies, through the cache at `cacheFile`.
 * @returns tasks by id and problems of invalid files (path, field, message), never throwing for bad files.
 * @throws only for I/O errors other than a missing queue folder or a file deleted while listing.
 */
export async function readTaskIndex(paths: FleetPaths, cacheFile: string): Promise<TaskIndex> {
  const tasks = new Map<string, TaskEntry>();
  const problems: Problem[] = [];
  let names: string[];
  try {
    names = readdirSync(paths.queue).filter((n) => n.endsWith(".md"));
  } catch (err) {
    if (isErrnoError(err, "ENOENT")) return { tasks, problems };
    throw err;
  }
  names.sort();
  const cache = loadCache(cacheFile);
  const old = cache?.e ?? {};
  const next: Record<string, CacheEntry> = {};
  const dir = path.relative(paths.root, paths.queue).split(path.sep).join("/");
  let parseTaskText: typeof import("./read-tasks.js").parseTaskText | undefined;
  let dirty = false;
  // Plain concatenation: path.join normalises every one of 10,000 paths (≈ 15 ms).
  const queuePrefix = `${paths.queue}${path.sep}`;
  for (const name of names) {
    const abs = queuePrefix + name;
    let entry: CacheEntry;
    try {
      const st = lstatSync(abs);
      const key: Key = [st.mtimeMs, st.ctimeMs, st.size, st.ino];
      const hit = old[name];
      if (sameKey(hit, key)) entry = hit;
      else {
        parseTaskText ??= (await import("./read-tasks.js")).parseTaskText;
        const file = `${dir}/${name}`;
        const read = readRecordText(abs, file);
        if (read === null) continue;
        const result = read.ok ? parseTaskText(name.slice(0, -3), file, read.text) : read;
        if (result.ok) {
          const t = result.task.record;
          const n = result.task.normalized ? 1 : 0;
          entry = [
            ...key,
            n,
            t.id,
            t.title,
            t.phase,
            t.status,
            t.priority,
            t.updated ?? null,
            t.question,
            t.attempts,
            t.cost.usd,
            t.parent,
            reviewBranchSummary(t.review_branch),
          ];
        } else entry = [...key, result.problems];
        dirty = true;
      }
    } catch (err) {
      if (isErrnoError(err, "ENOENT")) continue;
      throw err;
    }
    next[name] = entry;
    if (entry.length === 5) problems.push(...entry[4]);
    else {
      const [
        ,
        ,
        ,
        ,
        n,
        id,
        title,
        phase,
        status,
        priority,
        updated,
        question,
        attempts,
        cost_usd,
        parent,
        review,
      ] = entry;
      tasks.set(id, {
        record: {
          id,
          title,
          phase,
          status,
          priority,
          updated,
          question,
          attempts,
          cost_usd,
          parent,
          review_branch: review ?? null,
        },
        file: `${dir}/${name}`,
        normalized: n === 1,
      });
    }
  }
  if (dirty || Object.keys(old).length !== Object.keys(next).length) {
    saveCache(cacheFile, { v: CACHE_VERSION, e: next });
  }
  return { tasks, problems };
}
