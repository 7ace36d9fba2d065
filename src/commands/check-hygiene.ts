/**
 * What `fleet show` and `fleet approve` say about a plan's acceptance checks (rules in
 * `src/lifecycle/weak-checks.ts`): which are weak — they run no file of `acceptance/<id>/` and no file
 * of the base commit — and what the base-commit run stamped into the acceptance file (`on_base`)
 * found: checks that failed there (evidence), passed there (regression checks), or never ran there.
 */
import { committedPaths } from "../git/committed-paths.js";
import { type OnBase, type WeakCheck, weakChecks } from "../lifecycle/weak-checks.js";
import type { ApprovalInputs } from "./approval-inputs.js";

/** The hygiene of one plan's checks. */
export interface CheckHygiene {
  weak: WeakCheck[];
  /** The base-commit run, as stamped when the plan was proposed, or null. */
  onBase: OnBase | null;
  /** Check ids that passed on the base commit already. */
  regression: string[];
  /** Check ids the base-commit run does not cover (added or renamed since). */
  unrun: string[];
}

/**
 * Judges the checks of `inputs` against the commit they were run on (`on_base.commit`, else
 * `baseCommit`). Without a commit to compare with, every check counts as anchored only by its own files.
 */
export async function checkHygiene(
  root: string,
  taskId: string,
  inputs: Pick<ApprovalInputs, "acceptance" | "files">,
  baseCommit: string | null,
): Promise<CheckHygiene> {
  const checks = inputs.acceptance?.record.checks ?? [];
  const onBase = inputs.acceptance?.record.on_base ?? null;
  const commit = onBase?.commit ?? baseCommit;
  const committed = commit
    ? await committedPaths(root, commit).catch(() => new Set<string>())
    : new Set<string>();
  const weak = weakChecks(taskId, checks, new Set(inputs.files), (p) => committed.has(p));
  const ran = new Set([...(onBase?.fail ?? []), ...(onBase?.pass ?? [])]);
  return {
    weak,
    onBase,
    regression: checks.filter((c) => onBase?.pass.includes(c.id)).map((c) => c.id),
    unrun: checks.filter((c) => !ran.has(c.id)).map((c) => c.id),
  };
}
