/**
 * Keeping a person's YAML comments when a record is written back. The record is laid out afresh by
 * `stringifyFrontmatter` (stable order, deterministic YAML), which knows nothing of comments; this
 * module carries them over from the file being replaced, by top-level key:
 *
 * - a comment line at column 0 stays just above the key that followed it (comments after the last key
 *   stay at the end of the frontmatter; those of a key that is gone move to the end);
 * - a comment after a top-level key's value (`priority: 1  # urgent`) stays on that key's line.
 *
 * Indented comments inside a nested block are not carried (tasks write nested values inline, so
 * there are none to carry). Only column-0 `#` lines count as comment lines: a `#` line inside a block
 * scalar (`question: |`) is indented, so it is text, never mistaken for a comment. The result is parsed
 * again and must mean exactly what the comment-free text means; if not, the comment-free text is used —
 * a comment may be lost, the record never.
 */
import { isDeepStrictEqual } from "node:util";
import { parseYaml as parseStrict } from "./frontmatter.js";

/** Comments found in a frontmatter block, by the top-level key they belong to. */
interface Comments {
  before: Map<string, string[]>;
  trailing: Map<string, string>;
  end: string[];
}

const KEY_LINE = /^([A-Za-z_][\w-]*)[ \t]*:(?=[ \t]|$)/;
const FENCE = /^---[^\r\n]*\r?\n([\s\S]*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/m;

/** The YAML's meaning, or a marker equal to nothing (not even another marker) when it does not parse. */
function parseYaml(text: string): unknown {
  try {
    return parseStrict(text);
  } catch {
    return Symbol("invalid"); // never equal to anything, itself from another call included
  }
}

/** The frontmatter lines of `text` (between the fences), or null when there is no block. */
function frontmatterLines(text: string): string[] | null {
  const m = FENCE.exec(text);
  if (m?.index !== 0) return null;
  const yaml = m[1] ?? "";
  return yaml === "" ? [] : yaml.replace(/\r?\n$/, "").split(/\r?\n/);
}

/**
 * The comment at the end of a one-line `key: value`, with the blanks before it, or null. A `#` starts
 * a comment only if dropping it and what follows leaves the line meaning the same.
 */
function trailingComment(line: string): string | null {
  const whole = parseYaml(line);
  for (let i = line.indexOf("#"); i > 0; i = line.indexOf("#", i + 1)) {
    if (line[i - 1] !== " " && line[i - 1] !== "\t") continue;
    const start = line.slice(0, i).search(/[ \t]+$/);
    if (isDeepStrictEqual(parseYaml(line.slice(0, start)), whole)) return line.slice(start);
  }
  return null;
}

function collectComments(text: string): Comments | null {
  const lines = frontmatterLines(text);
  if (!lines) return null;
  const found: Comments = { before: new Map(), trailing: new Map(), end: [] };
  let pending: string[] = [];
  for (const line of lines) {
    if (line.startsWith("#")) {
      pending.push(line);
      continue;
    }
    const key = KEY_LINE.exec(line)?.[1];
    if (!key) continue;
    if (pending.length > 0) found.before.set(key, [...(found.before.get(key) ?? []), ...pending]);
    pending = [];
    if (line.includes("#")) {
      const comment = trailingComment(line);
      if (comment) found.trailing.set(key, comment);
    }
  }
  found.end = pending;
  const any = found.before.size > 0 || found.trailing.size > 0 || found.end.length > 0;
  return any ? found : null;
}

/**
 * `next` (a whole file as `stringifyFrontmatter` wrote it) with the frontmatter comments of `previous`
 * (the file it replaces) put back by key. Returns `next` unchanged when `previous` has no comments, or
 * when putting them back would change what the YAML means.
 */
export function carryComments(previous: string | null, next: string): string {
  if (previous === null || !previous.includes("#")) return next;
  const comments = collectComments(previous);
  const lines = frontmatterLines(next);
  if (!comments || !lines) return next;
  const out: string[] = [];
  const placed = new Set<string>();
  for (const line of lines) {
    const key = KEY_LINE.exec(line)?.[1];
    if (key && !placed.has(key)) {
      placed.add(key);
      out.push(...(comments.before.get(key) ?? []));
      const trailing = comments.trailing.get(key);
      out.push(trailing ? `${line}${trailing}` : line);
    } else out.push(line);
  }
  for (const [key, before] of comments.before) if (!placed.has(key)) out.push(...before);
  out.push(...comments.end);
  const yaml = lines.length > 0 ? `${lines.join("\n")}\n` : "";
  const withComments = `${out.join("\n")}\n`;
  const head = `---\n${yaml}`;
  if (!next.startsWith(head)) return next;
  if (!isDeepStrictEqual(parseYaml(withComments), parseYaml(yaml))) return next;
  return `---\n${withComments}${next.slice(head.length)}`;
}
