/**
 * Loading `.fleet/queue/`. Every file is read; one that does not validate is reported with its path and
 * field and set aside (its bytes untouched) while every other task still loads. A file with no
 * frontmatter at all is a valid new idea: its file name is its id and its first heading its title.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { isErrnoError } from "../errors.js";
import { isValidId } from "./ids.js";
import { type FleetPaths, relativeToRoot, taskPath } from "./paths.js";
import { type Loaded, type Problem, parseText, validateRecord } from "./read-file.js";
import { controlCharacterIn, readRecordText } from "./read-text.js";
import { type Task, taskSchema } from "./schemas/task.js";

/** A task as loaded. `normalized` is false for a hand-dropped idea the coordinator has not filled in yet. */
export interface LoadedTask extends Loaded<Task> {
  normalized: boolean;
}

/** Every task that loaded, by id, plus every problem with the ones that did not. */
export interface TaskSet {
  tasks: Map<string, LoadedTask>;
  problems: Problem[];
}

/** The first markdown heading of `body` (any level), or its first non-empty line, trimmed. */
export function titleFromBody(body: string): string | undefined {
  let firstLine: string | undefined;
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "") continue;
    const heading = /^#{1,6}\s+(.+?)\s*#*$/.exec(line);
    if (heading?.[1]) return heading[1];
    firstLine ??= line;
  }
  return firstLine;
}

/**
 * Parses one task file's text. `name` is the file name without `.md`; `file` is the path shown in problems.
 * Fills `id` from the file name and `title` from the first heading when the frontmatter leaves them out.
 */
export function parseTaskText(
  name: string,
  file: string,
  text: string,
): { ok: true; task: LoadedTask } | { ok: false; problems: Problem[] } {
  if (!isValidId(name)) {
    return {
      ok: false,
      problems: [
        {
          file,
          field: null,
          message: `file name "${name}.md" is not a valid task id: rename it to lowercase letters, digits and dashes (e.g. ${
            name
              .toLowerCase()
              .replace(/[^a-z0-9]+/g, "-")
              .replace(/^-+|-+$/g, "") || "my-idea"
          }.md)`,
        },
      ],
    };
  }
  const parsed = parseText(file, text);
  if (!parsed.ok) return parsed;
  const data = parsed.data;
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return {
      ok: false,
      problems: [{ file, field: null, message: "frontmatter must be a YAML mapping (key: value lines)" }],
    };
  }
  const fields = { ...(data as Record<string, unknown>) };
  const filled = fields.id === undefined || fields.title === undefined || !parsed.hasFrontmatter;
  fields.id ??= name;
  fields.title ??= titleFromBody(parsed.body) ?? name;
  if (fields.id !== name) {
    return {
      ok: false,
      problems: [
        {
          file,
          field: "id",
          message: `id "${String(fields.id)}" does not match the file name "${name}.md": ids never change, so rename the file or fix the id`,
        },
      ],
    };
  }
  const result = validateRecord(taskSchema, file, fields, parsed.body);
  if (!result.ok) return result;
  const control = controlCharacterIn(result.value.record.title);
  if (control !== null) {
    return {
      ok: false,
      problems: [
        {
          file,
          field: "title",
          message: `the title holds the control character ${control}: a title is one line of printable text`,
        },
      ],
    };
  }
  return { ok: true, task: { ...result.value, normalized: !filled } };
}

/** Reads one task by id. @returns the task, its problems, or null when there is no such file. */
export function readTask(
  paths: FleetPaths,
  id: string,
): { ok: true; task: LoadedTask } | { ok: false; problems: Problem[] } | null {
  const abs = taskPath(paths, id);
  const file = relativeToRoot(paths.root, abs);
  const read = readRecordText(abs, file);
  if (read === null || !read.ok) return read;
  return parseTaskText(id, file, read.text);
}

/**
 * Loads every `*.md` in `.fleet/queue/` (sync reads in a loop: measured ≈ 10× faster than
 * `Promise.all(readFile)` for 10,000 small files). Missing folder = no tasks.
 */
export function readTasks(paths: FleetPaths): TaskSet {
  const tasks = new Map<string, LoadedTask>();
  const problems: Problem[] = [];
  let names: string[];
  try {
    names = readdirSync(paths.queue);
  } catch (err) {
    if (isErrnoError(err, "ENOENT")) return { tasks, problems };
    throw err;
  }
  names.sort();
  const dir = relativeToRoot(paths.root, paths.queue);
  for (const entry of names) {
    if (!entry.endsWith(".md")) continue;
    const file = `${dir}/${entry}`;
    const read = readRecordText(path.join(paths.queue, entry), file);
    if (read === null) continue;
    const result = read.ok ? parseTaskText(entry.slice(0, -3), file, read.text) : read;
    if (result.ok) tasks.set(result.task.record.id, result.task);
    else problems.push(...result.problems);
  }
  return { tasks, problems };
}
