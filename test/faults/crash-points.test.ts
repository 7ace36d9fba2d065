/**
 * Crash at each named failpoint (`FLEET_FAILPOINT=<step>:crash`, a SIGKILL at that exact instant),
 * then restart and drain: nothing lost, nothing run or shipped twice, the person's work intact.
 */
import { describe, expect, it } from "vitest";
import { checkFleet, drainAll, faultFleet, runOnce } from "./fault-fleet.js";

/** Each step, and which of its hits to crash at (a later hit reaches deeper into the lifecycle). */
const POINTS: [string, number][] = [
  ["after-temp-write", 3],
  ["after-rename", 5],
  ["after-write-before-commit", 2],
  ["after-spawn", 1],
  ["after-agent-exit", 3],
  ["after-gates", 3],
  ["after-base-moved", 1],
];

describe("crash at each failpoint, then recover", () => {
  for (const [point, hit] of POINTS) {
    it(`${point}@${hit}`, async () => {
      const f = faultFleet(2);
      const crashed = await runOnce(f.root, { FLEET_FAILPOINT: `${point}@${hit}:crash` });
      // The failpoint must have fired: a run that never reached it proves nothing.
      expect(crashed.signal, `exit ${crashed.code}\n${crashed.out}\n${crashed.err}`).toBe("SIGKILL");
      await drainAll(f);
      checkFleet(f);
    });
  }
});
