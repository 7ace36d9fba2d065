/**
 * Named failpoints for the fault suite: `FLEET_FAILPOINT=<step>[@<n>]:<action>[,…]` makes the process
 * fail at the n-th time (default the first) it reaches `<step>`. Compiled in, inert unless the
 * variable is set: an unset variable costs one map lookup per call. May touch nothing but the process
 * itself (it ends it, or throws).
 *
 * Actions: `crash` — SIGKILL to ourselves, exactly what `kill -9` at that instant leaves behind;
 * `enospc` — throw an ENOSPC error, as the kernel does when the inotify watch limit is reached or the
 * disk is full.
 */

/** The steps of a transition where a failpoint can fire (the fault suite crashes at each). */
export const FAILPOINTS = [
  /** A record's temp file is written and fsynced, not yet renamed over the record. */
  "after-temp-write",
  /** The rename is done, the folder not yet fsynced; nothing committed. */
  "after-rename",
  /** A landing's files are all written, its commit not yet made. */
  "after-write-before-commit",
  /** An agent or gate process started and was recorded in the claim. */
  "after-spawn",
  /** The agent exited; the implement gates have not run. */
  "after-agent-exit",
  /** The phase (agent and gates) is over; its result is not landed yet. */
  "after-gates",
  /** A ship moved the base branch; the person's work tree has not followed yet. */
  "after-base-moved",
  /** A folder of `.fleet/` is about to be watched (`enospc`: the inotify limit). */
  "watch",
] as const;

/** One failpoint step. */
export type Failpoint = (typeof FAILPOINTS)[number];

type Action = "crash" | "enospc";

interface Armed {
  action: Action;
  /** Fire on this hit (1-based). */
  at: number;
  hits: number;
}

function parse(spec: string | undefined): Map<string, Armed> {
  const armed = new Map<string, Armed>();
  for (const part of (spec ?? "").split(",")) {
    const m = /^([a-z-]+)(?:@(\d+))?:(crash|enospc)$/.exec(part.trim());
    if (m?.[1] && m[3]) armed.set(m[1], { action: m[3] as Action, at: Number(m[2] ?? 1), hits: 0 });
  }
  return armed;
}

const armed = parse(process.env.FLEET_FAILPOINT);

/**
 * Fails here when `FLEET_FAILPOINT` arms `step` (see the module comment); otherwise does nothing.
 * @throws an ENOSPC errno error for the `enospc` action; `crash` never returns.
 */
export function failpoint(step: Failpoint): void {
  if (armed.size === 0) return;
  const a = armed.get(step);
  if (!a || ++a.hits !== a.at) return;
  if (a.action === "enospc") {
    const err = new Error(`ENOSPC: no space left on device (failpoint ${step})`) as NodeJS.ErrnoException;
    err.code = "ENOSPC";
    err.errno = -28;
    throw err;
  }
  process.kill(process.pid, "SIGKILL");
  // The signal is delivered at once; block until it is, so not one more instruction of ours runs.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
}
