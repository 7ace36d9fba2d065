/**
 * The daemon's view of `.fleet/queue/`, kept between reconciles so a warm reconcile does not re-read
 * unchanged files. {@link TaskIndex.scan} lists the folder and re-reads only files whose size, mtime
 * or inode changed; {@link TaskIndex.refresh} looks only at the files a watcher event named. A file
 * whose bytes did not change (an editor's atomic save of the same text) is not re-parsed. A file that
 * does not parse (half written, or wrong) is reported and set aside until its next change.
 */
import { readdirSync, readFileSync, type Stats, statSync } from "node:fs";
import path from "node:path";
import { isErrnoError } from "../errors.js";
import type { FleetPaths } from "../store/paths.js";
import { relativeToRoot } from "../store/paths.js";
import type { Problem } from "../store/read-file.js";
import { type LoadedTask, parseTaskText } from "../store/read-tasks.js";
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
  private byId: Map<string, LoadedTask> | null = null;
  private derived: { records: Task[]; raw: string[]; problems: Problem[] } | null = null;
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
   * Derived views, rebuilt only after a file changed: the records of filled-in tasks (what decide
   * sees), the ids of hand-dropped ideas still to fill in, and the problems of files that did not load.
   */
  private views(): { records: Task[]; raw: string[]; problems: Problem[] } {
    if (!this.derived) {
      const records: Task[] = [];
      const raw: string[] = [];
      for (const t of this.tasks().values()) {
        if (t.normalized) records.push(t.record);
        else raw.push(t.record.id);
      }
      const problems = [...this.entries.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .flatMap(([, e]) => e.problems);
      this.derived = { records, raw, problems };
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
    if (!this.byId) {
      this.byId = new Map();
      for (const name of [...this.entries.keys()].sort()) {
        const task = this.entries.get(name)?.task;
        if (task) this.byId.set(task.record.id, task);
      }
    }
    return this.byId;
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
    this.byId = null;
    this.derived = null;
  }

  private drop(name: string): void {
    if (this.entries.delete(name)) this.changed();
  }

  private look(name: string): void {
    const abs = path.join(this.paths.queue, name);
    let st: Stats;
    try {
      st = statSync(abs);
    } catch (err) {
      if (!isErrnoError(err, "ENOENT") && !isErrnoError(err, "ENOTDIR")) throw err;
      this.drop(name);
      return;
    }
    if (!st.isFile()) {
      this.drop(name);
      return;
    }
    const old = this.entries.get(name);
    if (old && old.size === st.size && old.mtimeMs === st.mtimeMs && old.ino === st.ino) return;
    let text: string;
    try {
      text = readFileSync(abs, "utf8");
    } catch (err) {
      if (!isErrnoError(err, "ENOENT")) throw err;
      this.drop(name);
      return;
    }
    this.reads++;
    const stamp = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
    if (old && old.text === text) {
      this.entries.set(name, { ...old, ...stamp });
      return;
    }
    if (!old) this.added.add(name);
    const result = parseTaskText(name.slice(0, -3), relativeToRoot(this.paths.root, abs), text);
    this.entries.set(name, {
      ...stamp,
      text,
      task: result.ok ? result.task : null,
      problems: result.ok ? [] : result.problems,
    });
    this.changed();
  }
}
