/**
 * Acceptance hygiene, as pure rules over a plan's checks (design.md §3 "verdicts are bound to
 * content"):
 * - a **weak** check runs no file of `.fleet/acceptance/<id>/` and no file the base commit holds —
 *   `true`, `exit 0`, an inline script, a test file the implementer will write itself — so nothing
 *   fixed before the work says what it tests;
 * - **red before green**: every check is run on the base commit before the plan is proposed; a plan
 *   none of whose checks fails there proves nothing, and a check that passes there is a
 *   **regression** check, not evidence of the new work.
 * What a check "runs" is read from its command line: every word that names a path (`./x`, `a/b.mjs`,
 * `test/`), compared with the acceptance files and the committed paths (files and their folders).
 */
import type { Check } from "../store/schemas/artifacts.js";

/** What the base-commit run of the checks found: the commit, and the check ids that failed / passed there. */
export interface OnBase {
  commit: string;
  fail: string[];
  pass: string[];
}

/** A check flagged as weak, and why, in one sentence. */
export interface WeakCheck {
  id: string;
  why: string;
}

/** Words of a command line that could be paths, without a leading `./` or a trailing `/`. */
export function pathWords(run: string): string[] {
  const out: string[] = [];
  for (const word of run.split(/[\s;&|()<>`'"=,]+/)) {
    const clean = word.replace(/^\.\//, "").replace(/\/+$/, "");
    if (clean === "" || clean.startsWith("-") || clean.startsWith("$") || /[*?[\]{}]/.test(clean)) continue;
    out.push(clean);
  }
  return out;
}

/**
 * The weak checks of `checks`. `acceptanceFiles`: the task's files under `.fleet/acceptance/<id>/`
 * (paths relative to the repository root); `committed`: whether the base commit holds a path (a file
 * or a folder).
 */
export function weakChecks(
  taskId: string,
  checks: readonly Check[],
  acceptanceFiles: ReadonlySet<string>,
  committed: (path: string) => boolean,
): WeakCheck[] {
  const out: WeakCheck[] = [];
  const folder = `.fleet/acceptance/${taskId}`;
  for (const check of checks) {
    const words = pathWords(check.run);
    const anchored = words.some(
      (w) =>
        acceptanceFiles.has(w) ||
        ((w === folder || w.startsWith(`${folder}/`)) &&
          [...acceptanceFiles].some((f) => f.startsWith(`${w}/`))) ||
        (!w.startsWith(".fleet/") && committed(w)),
    );
    if (!anchored)
      out.push({
        id: check.id,
        why: `\`${check.run}\` runs no file of ${folder}/ and no file of the base commit: it can pass whatever the change does, or run a file the implementer writes`,
      });
  }
  return out;
}

/** Why the base-commit run of the checks makes the plan prove nothing, or null (at least one check failed there). */
export function redBeforeGreenProblem(onBase: OnBase): string | null {
  if (onBase.fail.length > 0) return null;
  return `every acceptance check (${onBase.pass.join(", ")}) already passes on the base commit ${onBase.commit.slice(0, 12)}, before any work: a plan whose checks all pass already proves nothing`;
}

/** One line for people about a plan's checks (weak and regression checks), or null when there is nothing to say. */
export function checksWarning(weak: readonly WeakCheck[], onBase: OnBase | null): string | null {
  const parts: string[] = [];
  if (weak.length > 0)
    parts.push(`weak check${weak.length > 1 ? "s" : ""} ${weak.map((w) => w.id).join(", ")}`);
  if (onBase && onBase.pass.length > 0)
    parts.push(
      `regression check${onBase.pass.length > 1 ? "s" : ""} (pass on base already) ${onBase.pass.join(", ")}`,
    );
  return parts.length > 0 ? parts.join("; ") : null;
}
