/** What every gate kind gets and gives back; `run-gates.ts` turns outcomes into run-record entries. */
import type { Repo } from "../git/repo.js";
import type { SandboxPolicy, SandboxSpec } from "../sandbox/index.js";
import type { Cost } from "../store/schemas/common.js";
import type { Checkout } from "./checkout.js";

/** The facts one gate runs with. */
export interface GateContext {
  repo: Repo;
  taskId: string;
  /** The gate's name (`.fleet/gates/<name>.md`). */
  gateName: string;
  /** A clean checkout of the candidate commit, set up. */
  checkout: Checkout;
  /** The commit the candidate is judged against: its fork point (implement) or the base tip (ship). */
  baseCommit: string;
  /** The commit whose `.fleet/` holds the approved acceptance checks (the base branch's tip). */
  fleetCommit: string;
  /** The environment for processes (see `gateEnv`). */
  env: Record<string, string>;
  /** Where the gate's full output goes (absolute). */
  logFile: string;
  signal?: AbortSignal | undefined;
  /** Told each started process group id (the daemon records them to kill after a crash). */
  onSpawn?: ((pgid: number) => void) | undefined;
  /** The sandbox of this gate's processes: the checkout writable (its `.git` not), the gate's network. */
  sandbox: SandboxSpec | null;
  /** The clone's sandbox policy, for gates that start an agent (the reviewer) with a spec of its own. */
  policy: SandboxPolicy;
}

/**
 * A gate's verdict. `fail` is the candidate's fault and costs an attempt; `error` means the gate could
 * not judge (a missing definition, a missing acceptance file, a command that cannot start) and the task
 * waits for a person instead; `try-later` means the gate's agent was rate limited or out of quota, so
 * the gates run again after a back-off, and no attempt is used.
 */
export interface GateOutcome {
  verdict: "pass" | "fail" | "error" | "try-later";
  exitCode: number | null;
  /** What ran, for people and feedback (a command line, `reviewer`, …). */
  command: string | null;
  /** Output to keep a tail of in the run record. */
  output: string;
  /** For `fail` and `error`: what the next implement prompt (or the person) is told. */
  feedback: string | null;
  /** One short sentence on why it did not pass, when the gate can say better than its exit code. */
  summary?: string;
  /** What the gate's agent spent (the reviewer), as its CLI reported; absent for command gates. */
  cost?: Cost;
  /** For `try-later`: how long the agent asked to wait, ms, when it said. */
  retryAfterMs?: number | null;
}
