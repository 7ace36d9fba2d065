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
  /**
   * Earlier events of the same task whose files this commit carries, because they were not committed
   * alone (deferred-commits.ts): one `Fleet-Carried` trailer each, oldest first.
   */
  carried?: CarriedEvent[];
}

/** An event a later commit carries: `Fleet-Carried: <phase> <event> run=<n> epoch=<n> cost=<usd> agent=<label>`. */
export interface CarriedEvent {
  phase: string;
  event: string;
  run?: number;
  epoch?: number;
  agent?: string;
  costUsd?: number;
}

/** The value of a `Fleet-Carried` trailer for `c` (the agent last: it may hold spaces). */
export function formatCarried(c: CarriedEvent): string {
  const parts = [oneLine(c.phase), oneLine(c.event)];
  if (c.run !== undefined) parts.push(`run=${c.run}`);
  if (c.epoch !== undefined) parts.push(`epoch=${c.epoch}`);
  if (c.costUsd !== undefined) parts.push(`cost=${c.costUsd.toFixed(4)}`);
  if (c.agent) parts.push(`agent=${oneLine(c.agent)}`);
  return parts.join(" ");
}

/** Parses a `Fleet-Carried` trailer value; null when it is not one. */
export function parseCarried(value: string): CarriedEvent | null {
  const m = /^(\S+) (\S+)(?: run=(\d+))?(?: epoch=(\d+))?(?: cost=([0-9.]+))?(?: agent=(.+))?$/.exec(
    value.trim(),
  );
  if (!m?.[1] || !m[2]) return null;
  const out: CarriedEvent = { phase: m[1], event: m[2] };
  if (m[3]) out.run = Number(m[3]);
  if (m[4]) out.epoch = Number(m[4]);
  if (m[5]) out.costUsd = Number(m[5]);
  if (m[6]) out.agent = m[6];
  return out;
}

/** Every `Fleet-Carried` trailer in `text` (as printed by `%(trailers:only,unfold)`), in order. */
export function carriedTrailers(text: string): CarriedEvent[] {
  const out: CarriedEvent[] = [];
  for (const line of text.split("\n")) {
    const m = /^Fleet-Carried:\s?(.*)$/.exec(line);
    const c = m ? parseCarried(m[1] ?? "") : null;
    if (c) out.push(c);
  }
  return out;
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
  for (const c of e.carried ?? []) trailers.push(`Fleet-Carried: ${formatCarried(c)}`);
  const carried = (e.carried ?? []).map(
    (c) =>
      `Also records ${c.phase} ${c.event}${c.run !== undefined ? ` (run ${c.run})` : ""}, not committed alone.`,
  );
  const text = [e.body?.trim() ?? "", carried.join("\n")].filter(Boolean).join("\n\n");
  const body = text ? `${text}\n\n` : "";
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
