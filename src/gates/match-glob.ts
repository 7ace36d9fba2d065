/**
 * Matching repository paths against the globs people write in `config.md` (`protected`,
 * `review.ship.paths`). Paths and patterns are relative to the repository root with `/` separators.
 * `**` matches any number of whole segments, `*` anything within a segment, `?` one character,
 * `{a,b}` either alternative. A pattern without glob characters also matches everything below it, so
 * `migrations` means `migrations/**`. Dots are not special: `*` matches `.env`.
 * (Node's `path.matchesGlob` would do, but is still experimental and warns on Node 20.)
 */

const cache = new Map<string, RegExp>();

function escapeChar(ch: string): string {
  return /[\\^$.|+()[\]{}]/.test(ch) ? `\\${ch}` : ch;
}

function translate(glob: string): string {
  let out = "";
  let i = 0;
  let depth = 0;
  while (i < glob.length) {
    const ch = glob[i] as string;
    if (ch === "*" && glob[i + 1] === "*") {
      const atStart = i === 0 || glob[i - 1] === "/";
      const atEnd = i + 2 === glob.length || glob[i + 2] === "/";
      if (atStart && atEnd) {
        // `**/` = zero or more segments; a trailing `**` = everything below.
        if (i + 2 === glob.length) out += ".*";
        else out += "(?:.*/)?";
        i += 3;
        continue;
      }
      out += "[^/]*";
      i += 2;
      continue;
    }
    if (ch === "*") out += "[^/]*";
    else if (ch === "?") out += "[^/]";
    else if (ch === "{") {
      depth++;
      out += "(?:";
    } else if (ch === "}" && depth > 0) {
      depth--;
      out += ")";
    } else if (ch === "," && depth > 0) out += "|";
    else out += escapeChar(ch);
    i++;
  }
  return out + ")".repeat(depth);
}

/** The regular expression for `glob` (cached). */
export function globToRegExp(glob: string): RegExp {
  let re = cache.get(glob);
  if (!re) {
    const clean = glob.replace(/^\.\//, "").replace(/\/+$/, "");
    const literal = !/[*?{]/.test(clean);
    re = new RegExp(`^${translate(clean)}${literal ? "(?:/.*)?" : ""}$`);
    cache.set(glob, re);
  }
  return re;
}

/** True when repository path `file` (e.g. `.github/workflows/ci.yml`) matches `glob`. */
export function matchesGlob(file: string, glob: string): boolean {
  return globToRegExp(glob).test(file.replace(/^\.\//, ""));
}

/** The globs of `globs` that `file` matches. */
export function matchingGlobs(file: string, globs: readonly string[]): string[] {
  return globs.filter((g) => matchesGlob(file, g));
}
