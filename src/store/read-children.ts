/**
 * Reading proposed child tasks (fan-out, design.md §5) — from an agent's `$FLEET_OUTPUT_DIR/children/`
 * or from `.fleet/plans/<id>/children/` — as data: plain `<slug>.md` files only (no links, folders or
 * other names), at most {@link MAX_CHILDREN}, each at most {@link MAX_CHILD_BYTES}, each validated
 * against {@link childSchema}. Every problem is reported at once, naming the file and the field.
 */
import { lstatSync, readdirSync } from "node:fs";
import { isErrnoError } from "../errors.js";
import { type Problem, parseText, validateRecord } from "./read-file.js";
import { OutputRefused, readOutputFile } from "./read-output-file.js";
import {
  CHILD_SLUG_PATTERN,
  type ChildProposal,
  childSchema,
  MAX_CHILD_BYTES,
  MAX_CHILDREN,
} from "./schemas/child.js";

/** The proposals found in a folder, or every problem with them (`file` as shown to people). */
export type ChildrenRead = { ok: true; proposals: ChildProposal[] } | { ok: false; problems: Problem[] };

/** Validates one child file's text; `file` is how it is named in problems. */
export function parseChild(file: string, slug: string, text: string): ChildProposal | Problem[] {
  const parsed = parseText(file, text);
  if (!parsed.ok) return parsed.problems;
  if (!parsed.hasFrontmatter)
    return [{ file, field: null, message: "a child task needs frontmatter with at least `title:`" }];
  const checked = validateRecord(childSchema, file, parsed.data, parsed.body);
  if (!checked.ok) return checked.problems;
  return { slug, child: checked.value.record, body: parsed.body };
}

/**
 * Reads every `<slug>.md` in `dir`, shown as `<shownAs>/<slug>.md`. A missing folder is no children.
 * @throws only for unexpected fs errors (a folder that cannot be listed).
 */
export function readChildren(dir: string, shownAs: string): ChildrenRead {
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(dir);
  } catch (err) {
    if (isErrnoError(err, "ENOENT") || isErrnoError(err, "ENOTDIR")) return { ok: true, proposals: [] };
    throw err;
  }
  if (!st.isDirectory())
    return { ok: false, problems: [{ file: `${shownAs}/`, field: null, message: "must be a plain folder" }] };
  const names = readdirSync(dir).sort();
  const problems: Problem[] = [];
  const proposals: ChildProposal[] = [];
  if (names.length > MAX_CHILDREN)
    problems.push({
      file: `${shownAs}/`,
      field: null,
      message: `holds ${names.length} entries; a plan may propose at most ${MAX_CHILDREN} children`,
    });
  for (const name of names.slice(0, MAX_CHILDREN)) {
    const file = `${shownAs}/${name}`;
    const slug = name.endsWith(".md") ? name.slice(0, -3) : null;
    if (slug === null || !CHILD_SLUG_PATTERN.test(slug)) {
      problems.push({
        file,
        field: null,
        message: `not a child file: name children \`<slug>.md\`, the slug matching ${CHILD_SLUG_PATTERN.source}`,
      });
      continue;
    }
    let bytes: Buffer | null;
    try {
      bytes = readOutputFile(dir, name, MAX_CHILD_BYTES);
    } catch (err) {
      if (!(err instanceof OutputRefused)) throw err;
      problems.push({ file, field: null, message: err.message.replace(`${name} in $FLEET_OUTPUT_DIR `, "") });
      continue;
    }
    if (bytes === null) continue;
    const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
    if (text.includes("\0") || text.includes("\uFFFD")) {
      problems.push({ file, field: null, message: "is not UTF-8 text" });
      continue;
    }
    const one = parseChild(file, slug, text);
    if (Array.isArray(one)) problems.push(...one);
    else proposals.push(one);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, proposals };
}
