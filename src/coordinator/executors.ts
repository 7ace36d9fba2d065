/**
 * The phase executors the daemon runs. {@link decide} only starts phases listed here, so a phase
 * without an executor (ship, until the gates provide one) leaves its tasks resting at `<phase> / ready`.
 */
import type { Executors } from "./job.js";
import { runImplement } from "./phases/implement.js";
import { runPlan } from "./phases/plan.js";
import { runResearch } from "./phases/research.js";

/** The executors of a stock daemon: research, plan and implement (ship is registered by the gates). */
export function defaultExecutors(): Executors {
  return { research: runResearch, plan: runPlan, implement: runImplement };
}
