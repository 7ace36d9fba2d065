/** How `fleet watch` and `fleet run` print the daemon's events: one aligned, readable line each. */
import type { FleetLogEvent } from "../../coordinator/job.js";
import { paint } from "../output.js";
import { eventStyle } from "../state-style.js";

/** Elapsed time as people read it: `0.4s`, `12.3s`, `4m05s`, `1h02m`. */
export function formatElapsed(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));

/**
 * `s` in exactly `n` columns: padded, or cut to `n - 1` characters and `…` so the columns after it stay
 * put. A cut id is still its own prefix, which every command takes (`fleet show rate-limit-the-publ`).
 */
export function fitColumn(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : pad(s, n);
}

/**
 * `06:10:37  alpha-7k2q        research   researcher   researched  12.3s  → plan / ready`
 * (local time; task, phase, agent and event in columns; elapsed and detail when known).
 */
export function formatEventLine(e: FleetLogEvent, color = false): string {
  const time = e.at.toTimeString().slice(0, 8);
  const style = color ? eventStyle(e.event) : null;
  const event = fitColumn(e.event, 11);
  const cols = [
    time,
    fitColumn(e.task ?? "fleet", 24),
    fitColumn(e.phase ?? "-", 9),
    fitColumn(e.agent ?? "-", 12),
    style ? paint(style, event, process.stdout) : event,
  ];
  if (e.elapsedMs !== undefined) cols.push(pad(formatElapsed(e.elapsedMs), 6));
  if (e.detail) cols.push(e.detail);
  if (e.next) cols.push(color ? paint("magenta", `— ${e.next}`, process.stdout) : `— ${e.next}`);
  return cols.join("  ").trimEnd();
}

/** The event as one JSON line (`--json`): ISO time, then the fields. */
export function eventJson(e: FleetLogEvent): string {
  return JSON.stringify({ ...e, at: e.at.toISOString() });
}
