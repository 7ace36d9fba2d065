/**
 * The lifecycle's names, with no schema library attached, so read paths such as `fleet ls` can use
 * them without loading zod (≈ 70 ms). The zod enums in `schemas/common.ts` are built from these.
 */

/** The lifecycle phases, in order (design.md §2). `done` and `dropped` are terminal. */
export const PHASES = ["idea", "research", "plan", "implement", "ship", "done", "dropped"] as const;
export type Phase = (typeof PHASES)[number];

/** The phases in which an agent or the coordinator does work. */
export const WORK_PHASES = ["research", "plan", "implement", "ship"] as const;
export type WorkPhase = (typeof WORK_PHASES)[number];

/**
 * Status within a phase. `draft`: an idea still being written. `ready`: the phase's machinery may
 * start. `running`: claimed and under way. `awaiting-approval`: waits for `fleet approve`.
 * `awaiting-merge` (ship only, `ship.mode: branch`): the change was pushed as branch `fleet/<id>` and waits
 * for a person (or a forge) to merge it into the base branch.
 * `blocked`: waits for `fleet answer` (or for a person to fix a setup problem). `failed`: out of attempts.
 * `waiting-children`: a fanned-out parent (`implement` only) waits for its child tasks to be `done`,
 * then its own acceptance checks run on the base tip (the integration check).
 */
export const STATUSES = [
  "draft",
  "ready",
  "running",
  "awaiting-approval",
  "awaiting-merge",
  "blocked",
  "failed",
  "waiting-children",
] as const;
export type Status = (typeof STATUSES)[number];

/** Now, as a second-precision UTC timestamp (`2026-11-21T03:12:09Z`). */
export function nowTimestamp(date: Date = new Date()): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
