/**
 * The phase executors the daemon runs. {@link decide} only starts phases listed here, so a phase
 * without an executor leaves its tasks resting at `<phase> / ready`.
 */
import type { Executors } from "./job.js";
import { runImplement } from "./phases/implement.js";
import { runPlan } from "./phases/plan.js";
import { runResearch } from "./phases/research.js";
import { runShip } from "./ship.js";

/** The executors of a stock daemon: research, plan, implement (with its gates) and ship. */
export function defaultExecutors(): Executors {
  return { research: runResearch, plan: runPlan, implement: runImplement, ship: runShip };
}
