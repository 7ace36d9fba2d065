/**
 * The project's own tests cannot be weakened silently: a change that modifies or deletes an existing
 * test file or changes a test script of a `package.json` waits for a person before ship
 * (`fleet approve <id>`, like `review.ship`); the gate files themselves are under `.fleet/`, which a
 * change may not touch at all. Adding new tests never holds. Which paths are test files is
 * `review.tests` in config.md (globs, default `DEFAULT_TEST_PATTERNS` of the config schema; `[]`
 * leaves only the package.json rule). Pure: the caller reads git.
 */
import { matchingGlobs } from "../gates/match-glob.js";

/** One changed path and how: `A` added, `M` modified, `D` deleted, `T` type changed. */
export interface PathChange {
  path: string;
  status: string;
}

/** Names of `package.json` scripts that run tests: `test`, `pretest`, `posttest`, `test:*`, `test-*`. */
export function isTestScript(name: string): boolean {
  return /^(pre|post)?test$/.test(name) || /^test[:-]/.test(name);
}

/**
 * The test scripts whose command differs between two `package.json` texts (null = the file is
 * absent), sorted. Text that is not a JSON object counts as having no scripts.
 */
export function changedTestScripts(before: string | null, after: string | null): string[] {
  const scripts = (text: string | null): Record<string, unknown> => {
    try {
      const parsed = text === null ? null : (JSON.parse(text) as { scripts?: unknown });
      const s = parsed && typeof parsed === "object" ? parsed.scripts : null;
      return s && typeof s === "object" && !Array.isArray(s) ? (s as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  };
  const a = scripts(before);
  const b = scripts(after);
  const names = new Set([...Object.keys(a), ...Object.keys(b)].filter(isTestScript));
  return [...names].filter((n) => JSON.stringify(a[n]) !== JSON.stringify(b[n])).sort();
}

/**
 * Why a change needs a person before ship because it touches the project's tests, or null.
 * `changes`: every changed path with its status; `scripts`: test scripts changed per `package.json`
 * path.
 */
export function testWeakeningReason(
  patterns: readonly string[],
  changes: readonly PathChange[],
  scripts: ReadonlyMap<string, readonly string[]>,
): string | null {
  const touched: string[] = [];
  for (const c of changes) {
    if (c.status === "A") continue;
    const how = c.status === "D" ? "deleted" : "modified";
    if (matchingGlobs(c.path, patterns).length > 0) touched.push(`${c.path} (${how})`);
  }
  for (const [file, names] of scripts) {
    if (names.length > 0) touched.push(`${file} scripts ${names.join(", ")}`);
  }
  if (touched.length === 0) return null;
  const shown = touched.slice(0, 8).join(", ") + (touched.length > 8 ? `, … (${touched.length} in all)` : "");
  return `it changes the project's existing tests or test commands: ${shown} (review.tests)`;
}
