/**
 * Read-only checkouts for research and plan are pooled: a job takes a free slot
 * (`<work>/checkouts/slot-<n>`, see RuntimePaths.work), which is reset to the job's base commit before use. Changes an agent
 * makes there are thrown away by that reset, as the contract says, and a clone keeps at most as many
 * checkouts as agents ran at once — each built (and `setup` run in it) once, not once per task.
 * Slots are handed out by this process only; the daemon lease makes it the only coordinator.
 */
import path from "node:path";
import { runtimePaths } from "../store/paths.js";

const busy = new Map<string, Set<number>>();

/** A checkout slot held by one job; release it when the job's agent has ended. */
export interface Slot {
  dir: string;
  release(): void;
}

/** Takes the lowest free slot of the clone at `commonDir`. */
export function takeSlot(commonDir: string): Slot {
  let taken = busy.get(commonDir);
  if (!taken) {
    taken = new Set();
    busy.set(commonDir, taken);
  }
  let n = 0;
  while (taken.has(n)) n++;
  taken.add(n);
  const held = taken;
  let released = false;
  return {
    // In the agent work area, outside the git dir: Claude Code edits nothing under .git.
    dir: path.join(runtimePaths(commonDir).work, "checkouts", `slot-${n}`),
    release: () => {
      if (released) return;
      released = true;
      held.delete(n);
    },
  };
}
