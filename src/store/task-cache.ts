/**
 * A read cache for `.fleet/queue/`, so listing 10,000 tasks costs a `stat` per file instead of a parse.
 *
 * The cache lives under the git directory (`fleet/cache/tasks.json`, never committed) and maps each
 * file name to its validated record, keyed by the file's mtime, ctime, size and inode: any write —
 * ours (an atomic rename gives a new inode), an editor's, or git's checkout — changes the key and the
 * file is parsed again. Problems of invalid files are cached the same way. The cache is only an
 * accelerator: if it is missing, corrupt or from another version, everything is re-read.
 *
 * This module imports no parser: zod and js-yaml (≈ 90 ms to load) are imported only on a miss.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { isErrnoError } from "../errors.js";
import type { FleetPaths } from "./paths.js";
import type { Problem } from "./read-file.js";
import type { Task } from "./schemas/task.js";

/** Bump when the task schema or the entry shape changes: old caches are then ignored. */
const CACHE_VERSION = 1;

/** A task as listed: its record without the body. */
export interface TaskEntry {
  record: Task;
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

/** One file's cache line. `t`: the record's fields that differ from the defaults `d`; `n`: normalized. */
interface CacheEntry {
  /** mtimeMs, ctimeMs, size, ino */
  k: [number, number, number, number];
  t: Partial<Task> | null;
  n: boolean;
  p: Problem[] | null;
}

/** `d` holds a defaulted record once, so each entry stores only what differs (halves the file). */
interface CacheFile {
  v: number;
  d: Record<string, unknown>;
  e: Record<string, CacheEntry>;
}

function loadCache(file: string): CacheFile | null {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as CacheFile;
    return parsed.v === CACHE_VERSION && parsed.e && parsed.d ? parsed : null;
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

/** The fields of `record` whose JSON differs from `defaults`. */
function difference(record: Task, defaults: Record<string, unknown>): Partial<Task> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (JSON.stringify(value) !== JSON.stringify(defaults[key])) out[key] = value;
  }
  return out as Partial<Task>;
}

/** Rebuilds a record from its difference, with fresh copies of default arrays and objects. */
function restore(diff: Partial<Task>, defaults: Record<string, unknown>): Task {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(defaults)) {
    out[key] = Array.isArray(value) ? [...value] : value && typeof value === "object" ? { ...value } : value;
  }
  return Object.assign(out, diff) as Task;
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
  let defaults = cache?.d;
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
      const st = statSync(abs);
      if (!st.isFile()) continue;
      const key: CacheEntry["k"] = [st.mtimeMs, st.ctimeMs, st.size, st.ino];
      const hit = old[name];
      if (hit && hit.k[0] === key[0] && hit.k[1] === key[1] && hit.k[2] === key[2] && hit.k[3] === key[3]) {
        entry = hit;
      } else {
        if (!parseTaskText) {
          const mod = await import("./read-tasks.js");
          parseTaskText = mod.parseTaskText;
          if (!defaults) {
            defaults = (await import("./schemas/task.js")).taskSchema.parse({
              id: "x",
              title: "x",
            }) as Record<string, unknown>;
            for (const key of Object.keys(old)) delete old[key];
          }
        }
        const result = parseTaskText(name.slice(0, -3), `${dir}/${name}`, readFileSync(abs, "utf8"));
        entry = result.ok
          ? { k: key, t: difference(result.task.record, defaults ?? {}), n: result.task.normalized, p: null }
          : { k: key, t: null, n: false, p: result.problems };
        dirty = true;
      }
    } catch (err) {
      if (isErrnoError(err, "ENOENT")) continue;
      throw err;
    }
    next[name] = entry;
    if (entry.t) {
      const record = restore(entry.t, defaults ?? {});
      tasks.set(record.id, { record, file: `${dir}/${name}`, normalized: entry.n });
    }
    if (entry.p) problems.push(...entry.p);
  }
  if (defaults && (dirty || Object.keys(old).length !== Object.keys(next).length)) {
    saveCache(cacheFile, { v: CACHE_VERSION, d: defaults, e: next });
  }
  return { tasks, problems };
}
