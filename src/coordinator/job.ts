/**
 * The shapes shared by the coordinator and the phase executors. A {@link Job} is one claimed run of
 * one phase of one task; an executor does the phase's work and returns a {@link Landing} — what
 * should happen to the task and which `.fleet/` files to write — and the coordinator lands it (under
 * the state lock, only while the job's epoch is current) as one commit.
 *
 * Executors never write `.fleet/` themselves. The research, plan and implement executors live in
 * `./phases/`; the ship executor belongs to the gates (`executors.ts` registers them).
 */

import type { Runner } from "../agents/types.js";
import type { Repo } from "../git/repo.js";
import type { Action } from "../lifecycle/decide.js";
import type { RunEnd } from "../lifecycle/run-transitions.js";
import type { RemoteSession } from "../remote/remote-session.js";
import type { FleetPaths } from "../store/paths.js";
import type { Loaded } from "../store/read-file.js";
import type { Agent, RunnerName } from "../store/schemas/agent.js";
import type { Cost, WorkPhase } from "../store/schemas/common.js";
import type { Config } from "../store/schemas/config.js";
import type { Gate } from "../store/schemas/gate.js";
import type { GateResult } from "../store/schemas/run.js";
import type { Task } from "../store/schemas/task.js";
import type { JobSandbox } from "./sandbox.js";

/** One line of the daemon's story, printed by `fleet watch` (time, task, phase, agent, what, elapsed). */
export interface FleetLogEvent {
  at: Date;
  task: string | null;
  phase: string | null;
  agent: string | null;
  /** started, researched, proposed, retrying, failed, asked, interrupted, lost-claim, created, error… */
  event: string;
  /** Run time so far or in total, ms. */
  elapsedMs?: number;
  /** A short remark: the new state, a reason. */
  detail?: string;
  /** When the event left the task waiting for a person: the command that moves it on (`fleet approve <id>`). */
  next?: string;
}

/** Everything an executor needs for one run. Paths are absolute. */
export interface Job {
  repo: Repo;
  paths: FleetPaths;
  action: Action;
  phase: WorkPhase;
  /** The task as claimed (`<phase> / running`) and its body. */
  task: Task;
  taskBody: string;
  /** `config.md` as the definitions commit holds it (= `definitions.config`). */
  config: Config;
  /**
   * Config, agents and gates as the base tip held them when the task was claimed (`commit`, recorded in
   * the run record): what judges the run, never the person's uncommitted files.
   */
  definitions: {
    commit: string | null;
    config: Config;
    agents: ReadonlyMap<string, Loaded<Agent>>;
    gates: ReadonlyMap<string, Loaded<Gate>>;
  };
  /** The phase's agent definition, or null for a phase without one (ship). */
  agent: Loaded<Agent> | null;
  epoch: number;
  /** The link to the remote when config.md sets `remote:`. */
  remote?: RemoteSession | null;
  /** Run sequence number: this run's record is `runs/<id>/<seq>-<phase>.md`. */
  seq: number;
  /** 1-based attempt number in this phase. */
  attempt: number;
  started: Date;
  /** Aborted on shutdown (the run is interrupted) or when the claim is lost (the run is void). */
  signal: AbortSignal;
  /** This run's transcript: absolute, and relative to the git common dir (for the run record). */
  log: { abs: string; rel: string };
  /** A fresh empty directory outside every checkout: the agent's FLEET_OUTPUT_DIR. */
  outputDir: string;
  /** Where the prompt is written: the agent's FLEET_PROMPT_FILE. */
  promptFile: string;
  /** The daemon's environment; runners pass on only their allowlist. */
  env: NodeJS.ProcessEnv;
  /** What contains the job's agent and gates (config.md `sandbox:`), or why nothing can. */
  sandbox: JobSandbox;
  getRunner(name: RunnerName): Runner;
  /** Records a started process group in the claim file, so recovery can kill it after a crash. */
  onSpawn(pgid: number): void;
  emit(event: Omit<FleetLogEvent, "at" | "task" | "phase" | "agent"> & Partial<FleetLogEvent>): void;
  /** True while this job's epoch is still current (reads the claim file; for long executors such as ship). */
  isCurrent(): boolean;
}

/** A file to land under `.fleet/`: path relative to the repository root. */
export interface FileWrite {
  rel: string;
  content: string | Buffer;
}

/** What an executor hands back to be landed. */
export interface Landing {
  end: RunEnd;
  exitCode?: number | null;
  /** One sentence for people; failures also become the next attempt's feedback. */
  reason?: string | null;
  durationMs?: number;
  cost?: Cost;
  sessionId?: string | null;
  headCommit?: string | null;
  gates?: GateResult[];
  /** Markdown body of the run record (feedback details, transcript tail). */
  runBody?: string;
  /** `.fleet/` folders (relative) emptied before `writes`, e.g. `.fleet/acceptance/<id>`. */
  replaceDirs?: string[];
  writes?: FileWrite[];
  /** Fields set on the task along with the transition (e.g. `base_commit`). */
  taskPatch?: Partial<Task>;
  /** For try-later: wait this long before claiming again, ms. */
  retryAfterMs?: number | null;
}

/** Does one phase's work for a claimed job. Never rejects for an agent's failure; throws only for bugs. */
export type PhaseExecutor = (job: Job) => Promise<Landing>;

/** Executors by phase; a phase without one is not run (its tasks rest at `<phase> / ready`). */
export type Executors = Partial<Record<WorkPhase, PhaseExecutor>>;
