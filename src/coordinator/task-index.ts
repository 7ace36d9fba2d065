/**
 * The daemon's view of `.fleet/queue/`, kept between reconciles so a warm reconcile does not re-read
 * unchanged files. {@link TaskIndex.scan} lists the folder and re-reads only files whose size, mtime
 * or inode changed; {@link TaskIndex.refresh} looks only at the files a watcher event named. A file
 * whose bytes did not change (an editor's atomic save of the same text) is not re-parsed. A file that
 * does not parse (half written, or wrong) is reported and set aside until its next change.
 *
 * The views decide reads (records in file order, ideas to fill in, problems) are patched in place when
 * an existing, valid task file changes and stays valid — the common edit — and rebuilt in one pass
 * otherwise; the file names are sorted again only when a file comes or goes. A pass touches every
 * task object (about 10 ms for 10,000, bound by memory, not by work), so the edit path must not.
 */
import { lstatSync, readdirSync, type Stats } from "node:fs";
import path from "node:path";
import { isErrnoError } from "../errors.js";
import type { FleetPaths } from "../store/paths.js";
import { relativeToRoot } from "../store/paths.js";
import type { Problem } from "../store/read-file.js";
import { type LoadedTask, parseTaskText } from "../store/read-tasks.js";
import { readRecordText } from "../store/read-text.js";
import type { Task } from "../store/schemas/task.js";

interface Entry {
  size: number;
  mtimeMs: number;
  ino: number;
  text: string;
  task: LoadedTask | null;
  problems: Problem[];
}

/** Parsed tasks by id, cached by file name and stat. */
export class TaskIndex {
  private readonly entries = new Map<string, Entry>();
  /** The file names in order; null after a file came or went. */
  private order: string[] | null = null;
  private derived: {
    byId: Map<string, LoadedTask>;
    records: Task[];
    raw: string[];
    problems: Problem[];
    /** Index in `records` of each normalized task's file name. */
    at: Map<string, number>;
  } | null = null;
  private added = new Set<string>();
  /** Files read (and parsed, if their text changed) since construction: for tests and benchmarks. */
  reads = 0;

  constructor(private readonly paths: FleetPaths) {}

  /** Re-lists `queue/` and re-reads every file whose stat changed; forgets files that are gone. */
  scan(): void {
    let names: string[];
    try {
      names = readdirSync(this.paths.queue).filter((n) => n.endsWith(".md"));
    } catch (err) {
      if (!isErrnoError(err, "ENOENT")) throw err;
      names = [];
    }
    const seen = new Set(names);
    for (const name of [...this.entries.keys()]) if (!seen.has(name)) this.drop(name);
    for (const name of names) this.look(name);
  }

  /**
   * Re-reads the given absolute paths when they are queue files (others are ignored).
   * @returns true when one of them was a queue file.
   */
  refresh(files: Iterable<string>): boolean {
    let any = false;
    for (const file of files) {
      if (path.dirname(file) !== this.paths.queue || !file.endsWith(".md")) continue;
      any = true;
      this.look(path.basename(file));
    }
    return any;
  }

  /**
   * Derived views, rebuilt only after a file changed: tasks by id, the records of filled-in tasks (what
   * decide sees), the ids of hand-dropped ideas still to fill in, and the problems of files that did
   * not load — all in file-name order.
   */
  private views(): NonNullable<TaskIndex["derived"]> {
    if (!this.derived) {
      if (!this.order) this.order = [...this.entries.keys()].sort();
      const byId = new Map<string, LoadedTask>();
      const records: Task[] = [];
      const raw: string[] = [];
      const problems: Problem[] = [];
      const at = new Map<string, number>();
      for (const name of this.order) {
        const entry = this.entries.get(name);
        if (!entry) continue;
        if (entry.problems.length > 0) problems.push(...entry.problems);
        const task = entry.task;
        if (!task) continue;
        byId.set(task.record.id, task);
        if (task.normalized) at.set(name, records.push(task.record) - 1);
        else raw.push(task.record.id);
      }
      this.derived = { byId, records, raw, problems, at };
    }
    return this.derived;
  }

  /** Records of the tasks whose frontmatter is filled in (hand-dropped ideas not yet), in file order. */
  records(): readonly Task[] {
    return this.views().records;
  }

  /** Ids of hand-dropped ideas whose frontmatter is not filled in yet. */
  unnormalized(): readonly string[] {
    return this.views().raw;
  }

  /** Tasks that loaded, by id. */
  tasks(): Map<string, LoadedTask> {
    return this.views().byId;
  }

  /** File names (`<id>.md`) first seen since the last call. */
  takeAdded(): string[] {
    const out = [...this.added].filter((n) => this.entries.has(n)).sort();
    this.added = new Set();
    return out;
  }

  /** Problems of files that did not load, in file order. */
  problems(): readonly Problem[] {
    return this.views().problems;
  }

  private changed(): void {
    this.derived = null;
  }

  private drop(name: string): void {
    if (!this.entries.delete(name)) return;
    this.order = null;
    this.changed();
  }

  private look(name: string): void {
    const abs = path.join(this.paths.queue, name);
    let st: Stats;
    try {
      st = lstatSync(abs);
    } catch (err) {
      if (!isErrnoError(err, "ENOENT") && !isErrnoError(err, "ENOTDIR")) throw err;
      this.drop(name);
      return;
    }
    const old = this.entries.get(name);
    if (old && old.size === st.size && old.mtimeMs === st.mtimeMs && old.ino === st.ino) return;
    // A symlink, FIFO or folder is never followed or opened for reading: readRecordText says why.
    const file = relativeToRoot(this.paths.root, abs);
    const read = readRecordText(abs, file);
    if (read === null) {
      this.drop(name);
      return;
    }
    this.reads++;
    const text = read.ok ? read.text : "";
    const stamp = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
    if (old && read.ok && old.text === text && old.problems.length === 0) {
      this.entries.set(name, { ...old, ...stamp });
      return;
    }
    if (!old) {
      this.added.add(name);
      this.order = null;
    }
    const result = read.ok ? parseTaskText(name.slice(0, -3), file, text) : read;
    const task = result.ok ? result.task : null;
    this.entries.set(name, { ...stamp, text, task, problems: result.ok ? [] : result.problems });
    if (!this.patch(name, old?.task ?? null, task)) this.changed();
  }

  /**
   * Updates the views in place for an edit that keeps a task valid, filled in and with the same id.
   * @returns false when they must be rebuilt instead.
   */
  private patch(name: string, before: LoadedTask | null, after: LoadedTask | null): boolean {
    const views = this.derived;
    const index = views?.at.get(name);
    if (!views || index === undefined || !before?.normalized || !after?.normalized) return false;
    if (before.record.id !== after.record.id) return false;
    views.byId.set(after.record.id, after);
    views.records[index] = after.record;
    return true;
  }
}
