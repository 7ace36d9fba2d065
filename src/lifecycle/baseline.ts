/**
 * Baseline before blame: before a task's first implement attempt, the implement gates that judge the
 * project as a whole (`command` and `health` gates — not `acceptance`, whose checks are meant to fail
 * there, nor `agent`, which reviews a change) run once on the commit the work starts from. A gate that
 * fails there, with no change at all, is a set-up problem of the gate or the project, not the agent's
 * doing: the task is blocked for a person and no attempt is used. Pure.
 */
import { createHash } from "node:crypto";
import type { Gate } from "../store/schemas/gate.js";

/** The gates of `names` that run in the baseline, in order: defined ones of kind command or health. */
export function baselineGates(names: readonly string[], gates: ReadonlyMap<string, Gate>): string[] {
  return names.filter((name) => {
    const kind = gates.get(name)?.kind;
    return kind === "command" || kind === "health";
  });
}

/**
 * The cache key of a baseline pass: sha256 (hex) over the code the gates see (`codeTree`: the
 * commit's top-level tree entries except `.fleet`, so fleet bookkeeping commits share a pass), the
 * `setup` command and the exact definitions of the gates run, in order.
 */
export function baselineKey(
  codeTree: string,
  setup: string | null,
  gates: readonly { name: string; gate: Gate }[],
): string {
  return createHash("sha256")
    .update(JSON.stringify({ codeTree, setup, gates: gates.map((g) => [g.name, g.gate]) }))
    .digest("hex");
}

/** The person-facing reason for a gate red on the base commit. */
export function baselineReason(gate: string, base: string, commit: string, couldNotRun: boolean): string {
  const how = couldNotRun ? "cannot run" : "fails";
  return `gate \`${gate}\` ${how} on \`${base}\` (${commit.slice(0, 12)}) with no change: fix the gate, then \`fleet ready\` the task`;
}
