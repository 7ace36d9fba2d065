/**
 * Which colour a state or an event gets on a terminal, so what needs a person stands out: failed
 * red, blocked yellow, waiting for you magenta, running cyan, done green. Pure: the mapping only.
 */
import type { Style } from "./output.js";

/** The style of a task status (board column) or a phase. */
export function statusStyle(status: string): Style | null {
  switch (status) {
    case "failed":
      return "red";
    case "blocked":
      return "yellow";
    case "awaiting-approval":
    case "awaiting-merge":
      return "magenta";
    case "running":
      return "cyan";
    case "shipped":
    case "done":
      return "green";
    case "dropped":
      return "dim";
    default:
      return null;
  }
}

/** The style of a daemon event (`failed`, `asked`, `proposed`, `shipped`…). */
export function eventStyle(event: string): Style | null {
  if (/^(failed|error|lost-claim|problem|rejected)$/.test(event)) return "red";
  if (/^(blocked|asked|retrying|deferred|warning|budget|branch-gone)$/.test(event)) return "yellow";
  if (/^(proposed|held|pushed)$/.test(event)) return "magenta";
  if (/^(shipped|researched|implemented|approved)$/.test(event)) return "green";
  if (event === "started") return "cyan";
  return null;
}
