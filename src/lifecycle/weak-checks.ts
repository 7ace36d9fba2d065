/**
 * Warnings about acceptance checks that prove little, shown beside a plan so a person reading it knows
 * where to look hard before approving. Pure: the caller reads the acceptance file. The gates still run
 * every check; these are hints for a person, never verdicts.
 */
import type { Check } from "../store/schemas/artifacts.js";

/** One warning: the check's id and what is weak about it. */
export interface WeakCheck {
  check: string;
  warning: string;
}

/** Commands that succeed whatever the code does. */
const ALWAYS_TRUE = /^\s*(true|:|exit 0|echo\b.*|printf\b.*)\s*$/;
/** Commands that only look for a file or a word: they pass on a stub. */
const SHALLOW = /^\s*(test -[efs]|\[ -[efs]|ls\b|cat\b|grep\b)/;

/**
 * The weak checks among `checks`: ones that always pass (`true`, `echo …`), ones that swallow failure
 * (`|| true`, `; exit 0` at the end), shallow ones (only test that a file exists or holds a word), and
 * two checks that run the same command.
 */
export function weakChecks(checks: readonly Check[]): WeakCheck[] {
  const out: WeakCheck[] = [];
  const seen = new Map<string, string>();
  for (const c of checks) {
    const run = c.run.trim();
    if (ALWAYS_TRUE.test(run)) out.push({ check: c.id, warning: `\`${run}\` passes whatever the code does` });
    else if (/\|\|\s*(true|:)\s*$|;\s*(true|exit 0)\s*$/.test(run))
      out.push({ check: c.id, warning: "ends by ignoring its own failure, so it always passes" });
    else if (SHALLOW.test(run))
      out.push({ check: c.id, warning: "only looks for a file or a word: a stub passes it" });
    const twin = seen.get(run);
    if (twin !== undefined) out.push({ check: c.id, warning: `runs the same command as ${twin}` });
    else seen.set(run, c.id);
  }
  return out;
}
