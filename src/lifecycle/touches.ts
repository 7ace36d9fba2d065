/**
 * `touches`: a task's declared write scope, as globs relative to the repository root. Two tasks whose
 * scopes overlap never run at once (design.md §3). Overlap is judged by the literal folder prefix of
 * each glob, never by matching files, so it needs no I/O and errs on the side of "overlaps":
 * `src/api/**` and `src/api/users.ts` overlap, `src/api/**` and `src/web/**` do not, `src/*.ts` and
 * `src/*.md` do (same folder), and `**` or `*.ts` overlap everything.
 *
 * A task with no `touches` declares no scope and overlaps nothing: each task works in its own
 * worktree on its own branch, so running two at once is never unsafe — `touches` only saves the work
 * a conflict at ship time would waste. Write `touches: ["**"]` to make a task run alone.
 */

const GLOB_CHARS = /[*?[\]{}!()]/;

/**
 * The path segments a glob is confined to: the whole path for a literal (a file, or a folder and
 * everything under it), or the folder before its first glob character. `[]` means "anywhere".
 */
export function scopeOf(pattern: string): string[] {
  let p = pattern.trim().replace(/\\/g, "/");
  while (p.startsWith("./")) p = p.slice(2);
  p = p.replace(/^\/+/, "");
  const glob = p.search(GLOB_CHARS);
  const literal = glob === -1 ? p : p.slice(0, p.lastIndexOf("/", glob) + 1);
  return literal.split("/").filter((s) => s !== "" && s !== ".");
}

function isPrefix(a: readonly string[], b: readonly string[]): boolean {
  if (a.length > b.length) return false;
  return a.every((seg, i) => seg === b[i]);
}

/** True when two globs may name a common path (one's scope contains the other's). */
export function globsOverlap(a: string, b: string): boolean {
  const sa = scopeOf(a);
  const sb = scopeOf(b);
  return isPrefix(sa, sb) || isPrefix(sb, sa);
}

/** True when two `touches` lists overlap. An empty list declares no scope and overlaps nothing. */
export function touchesOverlap(a: readonly string[], b: readonly string[]): boolean {
  for (const x of a) for (const y of b) if (globsOverlap(x, y)) return true;
  return false;
}
