/**
 * The blast-radius rule (`review.ship` in config.md): a change with more than `files_over` changed
 * files, or touching any `paths` glob, waits at `ship / awaiting-approval` for `fleet approve` before
 * it ships. A ship approval (`ship_approval` in the plan) counts only for the change that was waiting
 * when it was given: one given before the latest implement attempt finished is stale.
 */
import { matchingGlobs } from "../gates/match-glob.js";
import type { Plan } from "../store/schemas/artifacts.js";
import type { Config } from "../store/schemas/config.js";

/** Why `changed` needs a person's approval before shipping, or null when it does not. Pure. */
export function shipHoldReason(rule: Config["review"]["ship"], changed: readonly string[]): string | null {
  const why: string[] = [];
  if (rule.files_over !== null && changed.length > rule.files_over) {
    why.push(`${changed.length} files changed (more than files_over: ${rule.files_over})`);
  }
  const hits = changed.filter((f) => matchingGlobs(f, rule.paths).length > 0);
  if (hits.length > 0) {
    const shown = hits.slice(0, 5).join(", ") + (hits.length > 5 ? `, … (${hits.length} in all)` : "");
    why.push(`it touches ${shown} (review.ship.paths: ${rule.paths.join(", ")})`);
  }
  return why.length > 0 ? why.join("; ") : null;
}

/**
 * True when `plan.ship_approval` approves the change produced by the implement attempt that finished
 * at `implementedAt` (ISO timestamp): given at or after it. Pure.
 */
export function hasShipApproval(
  plan: Pick<Plan, "ship_approval"> | null,
  implementedAt: string | null,
): boolean {
  const approval = plan?.ship_approval;
  if (!approval) return false;
  if (implementedAt === null) return true;
  return Date.parse(approval.at) >= Date.parse(implementedAt);
}
