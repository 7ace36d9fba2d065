/**
 * Reading one record file: parse the frontmatter, validate it with a zod schema, and turn every problem
 * into a {@link Problem} that names the file, the field and what was expected. Nothing here writes.
 */
import type * as z from "zod";
import { FrontmatterError, parseFrontmatter } from "./frontmatter.js";
import { readRecordText } from "./read-text.js";

/** One thing wrong with one file. `field` is a dotted path into the frontmatter (`depends_on.0`), or null. */
export interface Problem {
  /** Path relative to the repository root, e.g. `.fleet/queue/foo.md`. */
  file: string;
  field: string | null;
  message: string;
  /** 1-based line in the file, when known. */
  line?: number;
}

/** A record that validated, with the body and the raw frontmatter it came from. */
export interface Loaded<T> {
  record: T;
  body: string;
  /** Path relative to the repository root. */
  file: string;
}

/** The result of reading one file: the record, or every problem found in it. */
export type ReadResult<T> = { ok: true; value: Loaded<T> } | { ok: false; problems: Problem[] };

/** Turns a zod error into problems, one per issue, each naming its field. */
export function problemsFromZod(file: string, error: z.ZodError): Problem[] {
  return error.issues.map((issue) => ({
    file,
    field: issue.path.length ? issue.path.map(String).join(".") : null,
    message: issue.message,
  }));
}

/**
 * Validates already-parsed frontmatter `data` against `schema`.
 * `prepare` may fill fields derived from the file (an idea's id from its file name) before validation.
 */
export function validateRecord<S extends z.ZodType>(
  schema: S,
  file: string,
  data: unknown,
  body: string,
): ReadResult<z.infer<S>> {
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return {
      ok: false,
      problems: [{ file, field: null, message: "frontmatter must be a YAML mapping (key: value lines)" }],
    };
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) return { ok: false, problems: problemsFromZod(file, parsed.error) };
  return { ok: true, value: { record: parsed.data, body, file } };
}

/** Parses `text`, reporting frontmatter syntax errors as problems of `file`. */
export function parseText(
  file: string,
  text: string,
): { ok: true; data: unknown; body: string; hasFrontmatter: boolean } | { ok: false; problems: Problem[] } {
  try {
    const parsed = parseFrontmatter(text);
    return { ok: true, ...parsed };
  } catch (err) {
    if (err instanceof FrontmatterError) {
      const problem: Problem = { file, field: null, message: err.message };
      if (err.line !== undefined) problem.line = err.line;
      return { ok: false, problems: [problem] };
    }
    throw err;
  }
}

/**
 * Reads and validates `abs` (shown as `file`) against `schema`, with the limits of read-text.ts (a
 * symlink, a non-regular, oversized, non-UTF-8 or NUL-holding file is a problem, not an error).
 * @returns the record, or its problems; a missing file is `null`.
 */
export function readRecordFile<S extends z.ZodType>(
  schema: S,
  abs: string,
  file: string,
): ReadResult<z.infer<S>> | null {
  const read = readRecordText(abs, file);
  if (read === null || !read.ok) return read;
  const parsed = parseText(file, read.text);
  if (!parsed.ok) return parsed;
  return validateRecord(schema, file, parsed.data, parsed.body);
}
