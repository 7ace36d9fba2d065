/** Small formatting helpers shared by the command modules' printers. */
import type { ChangeResult } from "../../commands/person-context.js";

export { formatDuration, formatUsd } from "../../units.js";

/** `abc1234` from a full sha, or `no change` when there was nothing to commit. */
export function shortCommit(commit: string | null): string {
  return commit === null ? "no change to commit" : `commit ${commit.slice(0, 7)}`;
}

/** One line for a state change: `id: idea / draft → idea / ready (commit abc1234)`. */
export function changeLine(r: ChangeResult): string {
  return `${r.id}: ${r.from.phase} / ${r.from.status} → ${r.to.phase} / ${r.to.status} (${shortCommit(r.commit)})`;
}
