/** Small formatting helpers shared by the command modules' printers. */
import type { ChangeResult } from "../../commands/person-context.js";

export { formatDuration, formatUsd } from "../../units.js";

/** `abc1234` from a full sha, or `no change` when there was nothing to commit. */
export function shortCommit(commit: string | null): string {
  return commit === null ? "no change to commit" : `commit ${commit.slice(0, 7)}`;
}

/** `done`, `dropped`, else `phase / status`: a done task does not read "ready". */
export function stateText(s: { phase: string; status: string }): string {
  return s.phase === "done" || s.phase === "dropped" ? s.phase : `${s.phase} / ${s.status}`;
}

/** One line for a state change: `id: idea / draft → idea / ready (commit abc1234)`. */
export function changeLine(r: ChangeResult): string {
  return `${r.id}: ${stateText(r.from)} → ${stateText(r.to)} (${shortCommit(r.commit)})`;
}

/**
 * What happens next to a task in `state`, as one line: whose turn it is and the command.
 * A draft waits for its author (`fleet ready`); a ready task for the fleet (`fleet watch`).
 */
export function nextLine(id: string, state: { phase: string; status: string }): string | null {
  if (state.phase === "done" || state.phase === "dropped") return null;
  if (state.phase === "idea" && state.status === "draft")
    return `next: your turn — finish writing it, then \`fleet ready ${id}\``;
  if (state.status === "ready")
    return "next: the fleet's turn — `fleet watch` (or `fleet run --until-idle`) takes it from here";
  if (state.status === "waiting-children")
    return "next: the fleet's turn — its child tasks run first (`fleet show` lists them), then its checks judge the whole";
  return null;
}
