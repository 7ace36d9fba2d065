/**
 * The audit trail: every state change is one commit whose subject and trailers name it (design.md §3):
 *
 *     fleet(plan): rate-limit-api-7k2q proposed — Rate-limit the public API
 *
 *     Fleet-Task: rate-limit-api-7k2q
 *     Fleet-Phase: plan
 *     Fleet-Event: proposed
 *
 * Trailers follow git-interpret-trailers(1): `Key: value` lines in the last paragraph.
 */

/** What one audit commit records. */
export interface FleetEvent {
  task: string;
  /** The phase the event belongs to (or `fleet` for store-wide events such as init). */
  phase: string;
  /** A past-tense verb: created, ready, proposed, approved, rejected, started, finished, failed, shipped… */
  event: string;
  /** The task title, for the subject line; newlines are folded. */
  title?: string;
  /** Free text after the subject (a reason, a gate summary). */
  body?: string;
  /** `planner (claude-code, claude-sonnet-4-5)` */
  agent?: string;
  run?: number;
  epoch?: number;
  costUsd?: number | null;
  /** Who did it, for person commands (`Ada <ada@example.com>`). */
  by?: string;
}

const oneLine = (s: string) => s.replace(/[\r\n]+/g, " ").trim();

/** Builds the commit message for `e`: subject, optional body, then the `Fleet-*` trailers. */
export function formatCommitMessage(e: FleetEvent): string {
  const subject = `fleet(${e.phase}): ${e.task} ${e.event}${e.title ? ` — ${oneLine(e.title)}` : ""}`;
  const trailers = [`Fleet-Task: ${e.task}`, `Fleet-Phase: ${e.phase}`, `Fleet-Event: ${e.event}`];
  if (e.agent) trailers.push(`Fleet-Agent: ${oneLine(e.agent)}`);
  if (e.run !== undefined) trailers.push(`Fleet-Run: ${e.run}`);
  if (e.epoch !== undefined) trailers.push(`Fleet-Epoch: ${e.epoch}`);
  if (e.costUsd !== undefined && e.costUsd !== null) trailers.push(`Fleet-Cost-USD: ${e.costUsd.toFixed(4)}`);
  if (e.by) trailers.push(`Fleet-By: ${oneLine(e.by)}`);
  const body = e.body?.trim() ? `${e.body.trim()}\n\n` : "";
  return `${subject}\n\n${body}${trailers.join("\n")}\n`;
}

/** Parses `Key: value` trailer lines (as printed by `%(trailers:only,unfold)`) into a map; later keys win. */
export function parseTrailers(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^([A-Za-z0-9-]+):\s?(.*)$/.exec(line);
    if (m?.[1]) out[m[1]] = (m[2] ?? "").trim();
  }
  return out;
}
