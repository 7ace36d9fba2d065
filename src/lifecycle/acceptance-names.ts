/**
 * Acceptance files are committed under `.fleet/acceptance/<id>/` when a plan is proposed, and stay red
 * until the task ships. A project whose test runner scans `.` would load them in every `npm test` on the
 * base branch — and in every gate. So a file named the way test runners look for tests is renamed to
 * `<name>.accept.<ext>`, a name none of them pick up by default (checked for node's test runner, vitest,
 * jest, mocha, ava and uvu; test/lifecycle/acceptance-runners.test.ts runs each), and the checks' `run`
 * lines and the other acceptance files are rewritten to the new names. A check that runs a renamed file
 * through anything but `node` is refused: vitest and jest run only files their patterns match, so such
 * a check could never pass under the new name. Pure: no I/O.
 */
import path from "node:path";

/** Source files test runners load. */
const SCRIPT = /\.(?:[cm]?[jt]sx?)$/i;
/** Folders whose files test runners load (node: test/, jest: __tests__/, ava and uvu: tests/). */
const TEST_DIRS = new Set(["test", "tests", "__tests__", "__test__"]);
/** File stems test runners load: greet.test, greet-spec, greet_test, test, tests, test-greet, test.greet. */
const TEST_STEM = /(?:^|[._-])(?:test|spec)s?$|^tests?(?:[._-]|$)/i;

/**
 * True when `rel` (a path inside an acceptance folder, `/`-separated) is a source file some test runner
 * picks up by default: a `*.test.*`/`*.spec.*`/`*-test.*`/`test-*.*` name, or one under a `test/`,
 * `tests/` or `__tests__/` folder.
 */
export function isTestRunnerName(rel: string): boolean {
  if (!SCRIPT.test(rel)) return false;
  const parts = rel.split("/");
  const base = parts.pop() ?? "";
  if (parts.some((p) => TEST_DIRS.has(p.toLowerCase()))) return true;
  const ext = path.posix.extname(base);
  return TEST_STEM.test(base.slice(0, -ext.length));
}

/** The name {@link isTestRunnerName} files get: test folders become `checks/`, `greet.test.mjs` becomes `greet.accept.mjs`. */
export function acceptanceName(rel: string): string {
  const parts = rel.split("/");
  const base = parts.pop() ?? "";
  const dirs = parts.map((p) => (TEST_DIRS.has(p.toLowerCase()) ? "checks" : p));
  const ext = path.posix.extname(base);
  let stem = base.slice(0, -ext.length);
  while (TEST_STEM.test(stem)) {
    const next = stem.replace(/[._-]?(?:test|spec)s?$/i, "").replace(/^tests?(?:[._-]|$)/i, "");
    if (next === stem) break;
    stem = next;
  }
  const name = stem.endsWith(".accept") ? `${stem}${ext}` : `${stem || "check"}.accept${ext}`;
  return [...dirs, name].join("/");
}

/** The acceptance a planner handed in, as {@link renameAcceptanceFiles} takes and returns it. */
export interface AcceptanceFiles<C extends { run: string }> {
  /** Files by path inside the acceptance folder (`/`-separated). */
  files: readonly { rel: string; content: Buffer }[];
  checks: readonly C[];
  /** The body of acceptance.md. */
  body: string;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Replaces `from` with `to` wherever it stands as a path: after a `/`, a quote, a space or at the start. */
function replacePath(text: string, from: string, to: string): string {
  return text.replace(
    new RegExp(`(^|[\\s"'\`=(/])${escapeRegExp(from)}(?=$|[\\s"'\`)\\];,:])`, "gm"),
    `$1${to}`,
  );
}

/** True when the text looks like source or markdown, not binary data. */
function isText(content: Buffer): boolean {
  return !content.subarray(0, 8000).includes(0);
}

/**
 * Renames every acceptance file test runners would pick up ({@link acceptanceName}) and rewrites the
 * references to it: in `run` lines and the body as `<folder>/<old path>` (folder =
 * `.fleet/acceptance/<id>`), and in the other text files as `./<old base name>` (a relative import).
 * @returns the renamed acceptance, or `refused` with the reason (for the planner's feedback) when a
 *   check runs a renamed file through something other than `node`, or names it in a way not rewritten.
 */
export function renameAcceptanceFiles<C extends { run: string }>(
  input: AcceptanceFiles<C>,
  folder: string,
): ({ ok: true; renamed: Map<string, string> } & AcceptanceFiles<C>) | { ok: false; reason: string } {
  const taken = new Set(input.files.map((f) => f.rel));
  const renamed = new Map<string, string>();
  for (const { rel } of input.files) {
    if (!isTestRunnerName(rel)) continue;
    let to = acceptanceName(rel);
    for (let n = 2; taken.has(to); n++) to = acceptanceName(rel).replace(/\.accept\./, `-${n}.accept.`);
    taken.add(to);
    renamed.set(rel, to);
  }
  if (renamed.size === 0) return { ok: true, renamed, ...input };
  const rewrite = (text: string) => {
    let out = text;
    for (const [from, to] of renamed) out = replacePath(out, `${folder}/${from}`, `${folder}/${to}`);
    return out;
  };
  const rewriteImports = (text: string) => {
    let out = text;
    for (const [from, to] of renamed)
      out = out.replace(
        new RegExp(`(["'\`])\\./${escapeRegExp(path.posix.basename(from))}\\1`, "g"),
        `$1./${path.posix.basename(to)}$1`,
      );
    return out;
  };
  const checks = input.checks.map((c) => ({ ...c, run: rewrite(c.run) }));
  for (const [i, c] of checks.entries()) {
    for (const [from, to] of renamed) {
      const hint = `name acceptance files like \`${path.posix.basename(to)}\` and run them with \`node --test ${folder}/${to}\``;
      const old = input.checks[i]?.run ?? "";
      if (c.run !== old && !/^\s*node\s/.test(c.run) && c.run.includes(`${folder}/${to}`))
        return {
          ok: false,
          reason: `acceptance/${from}: the project's own test runner would load this file on every test run of the base branch (its name or folder is one test runners look for), and a check that runs it with \`${c.run.trim().split(/\s+/)[0]}\` cannot run it under another name: ${hint}`,
        };
      if (new RegExp(`(^|[\\s"'/])${escapeRegExp(path.posix.basename(from))}(?=$|[\\s"')])`).test(c.run))
        return {
          ok: false,
          reason: `acceptance/${from}: its name is one test runners look for, so it is renamed to ${to}, but check ${(c as { id?: string }).id ?? i + 1} names it in a way that cannot be rewritten (\`${c.run}\`): ${hint}`,
        };
    }
  }
  const files = input.files.map((f) => ({
    rel: renamed.get(f.rel) ?? f.rel,
    content: isText(f.content) ? Buffer.from(rewriteImports(rewrite(f.content.toString("utf8")))) : f.content,
  }));
  return { ok: true, renamed, files, checks, body: rewrite(input.body) };
}
