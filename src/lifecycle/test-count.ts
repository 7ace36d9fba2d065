/**
 * How many tests a check's test runner says it executed, read from the runner's own summary in the
 * check's output. A check whose code under test calls `process.exit(0)` before any test runs exits 0;
 * the runner's count is what tells that run apart from a pass. Pure.
 *
 * Recognised summaries:
 * - node's test runner, TAP and spec reporters: `# tests N`, `ℹ tests N`; the JUnit reporter:
 *   `<!-- tests N -->`. Node 20 lists every test file that produced no test report of its own as a
 *   pseudo-test named by the file's absolute path (`ok 1 - /abs/a.test.mjs`, `✔ /abs/a.test.mjs (12ms)`,
 *   `<testcase name="/abs/a.test.mjs"`); those are not tests and are taken off the count.
 * - TAP plans: `1..N` at the start of a line (the last one counts).
 * - JUnit XML: `tests="N"` on `<testsuites>`, or the sum over `<testsuite>` elements.
 */

/** Numbers after a summary label, e.g. every N of `# tests N`. */
function allCounts(text: string, pattern: RegExp): number[] {
  return [...text.matchAll(pattern)].map((m) => Number(m[1]));
}

/** Node 20's per-file pseudo-tests: a top-level result named by an absolute path. */
function filePseudoTests(text: string): number {
  const tap = text.match(/^(?:not )?ok \d+ - \/\S+$/gm)?.length ?? 0;
  const spec = text.match(/^[✔✖] \/\S+ \(\d[\d.]*m?s\)$/gm)?.length ?? 0;
  const junit = text.match(/^\s*<testcase name="\/[^"]+"/gm)?.length ?? 0;
  return tap + spec + junit;
}

/**
 * The number of tests the output's runner reports as executed, or null when the output carries no
 * summary this function knows (then nothing can be said). Several summaries (a check that runs two
 * runners) add up.
 */
export function reportedTestCount(output: string): number | null {
  const node = allCounts(output, /^\s*(?:#|ℹ|<!--) tests (\d+)(?: -->)?\s*$/gm);
  if (node.length > 0) {
    const total = node.reduce((a, b) => a + b, 0);
    return Math.max(0, total - filePseudoTests(output));
  }
  const suites = allCounts(output, /<testsuites\b[^>]*?\btests="(\d+)"/g);
  if (suites.length > 0) return suites.reduce((a, b) => a + b, 0);
  const suite = allCounts(output, /<testsuite\b[^>]*?\btests="(\d+)"/g);
  if (suite.length > 0) return suite.reduce((a, b) => a + b, 0);
  const plans = allCounts(output, /^1\.\.(\d+)\b/gm);
  if (plans.length > 0) return plans.reduce((a, b) => a + b, 0);
  return null;
}

/** True when the output's runner reports that it executed no test at all (see {@link reportedTestCount}). */
export function ranNoTests(output: string): boolean {
  return reportedTestCount(output) === 0;
}
