/**
 * The contract between the coordinator and a runner (design.md §4, §6). A runner starts one agent
 * attempt, waits for it, and reports how it ended; it never touches `.fleet/` — the coordinator reads
 * what the agent wrote into `outputDir` (or the worktree) and decides what happens next.
 */
import type { SandboxSpec } from "../sandbox/index.js";
import type { Agent } from "../store/schemas/agent.js";
import type { Cost, WorkPhase } from "../store/schemas/common.js";
import type { Config } from "../store/schemas/config.js";

/** Everything a runner needs to start one attempt. All paths absolute. */
export interface AgentRunRequest {
  taskId: string;
  phase: WorkPhase | "review";
  /** 1-based attempt number within the phase. */
  attempt: number;
  /** The claim's epoch; passed through so logs can name it. */
  epoch: number;
  /** The agent's name (`.fleet/agents/<name>.md`) and parsed definition. */
  agentName: string;
  agent: Agent;
  /** The role prompt plus task, research, plan, acceptance and feedback, already assembled. */
  prompt: string;
  /** Working directory: a checkout at the base commit (research, plan) or the task's worktree (implement). */
  cwd: string;
  /** An empty directory outside every checkout; exported as FLEET_OUTPUT_DIR. */
  outputDir: string;
  /** Where the prompt is also written (by the runner); exported as FLEET_PROMPT_FILE. */
  promptFile: string;
  /** Transcript file under the git directory; the runner streams the agent's output here. */
  logFile: string;
  /** Environment of the daemon; the runner passes only the allowlist (PATH, HOME, LANG + agent.env). */
  parentEnv: NodeJS.ProcessEnv;
  /** Aborted on shutdown or when the claim is lost: the runner kills the whole process group. */
  signal: AbortSignal;
  /** Session id of the previous attempt, for runners that can resume one (claude `--resume`). */
  resumeSession?: string | null;
  /**
   * Called once with the agent's process group id as soon as it started, so the daemon can record it
   * and kill the group after a crash (`killProcessGroup`). Not called by in-process runners (`script`).
   */
  onSpawn?: (pgid: number) => void;
  /** Time between SIGTERM and SIGKILL when the group is stopped, ms (default 5 000). */
  killGraceMs?: number;
  /** The sandbox the agent runs in (see src/sandbox); null or absent = uncontained (`sandbox: off`). */
  sandbox?: SandboxSpec | null;
  /**
   * Most this attempt may spend, USD (`budgets.per_attempt_usd` in config.md), for runners whose CLI
   * can stop itself at a budget (claude `--max-budget-usd`); null or absent = no limit.
   */
  maxBudgetUsd?: number | null;
  /**
   * `prices:` of config.md (USD per million tokens, by model), for runners whose CLI reports tokens but
   * not dollars (codex, gemini, aider without a price for its model); absent = dollars stay unknown.
   */
  prices?: Config["prices"];
}

/**
 * How an attempt ended.
 * - `finished`: exit 0 (not "correct": the gates decide).
 * - `failed`: any other exit; uses up an attempt.
 * - `timeout`: wall-clock or inactivity limit hit; the process group was killed; uses up an attempt.
 * - `try-later`: exit 75, rate limit or quota; not an attempt (see `retryAfterMs`).
 * - `blocked`: a setup problem a person must fix (binary missing, not logged in); `reason` says what to run.
 * - `aborted`: stopped by `signal` (shutdown, lost claim); not an attempt.
 */
export type AgentOutcome = "finished" | "failed" | "timeout" | "try-later" | "blocked" | "aborted";

/** What a runner reports. `cost` figures are what the agent CLI itself reported, or null. */
export interface AgentRunResult {
  outcome: AgentOutcome;
  exitCode: number | null;
  /** One sentence for people and for the next prompt's feedback; null when finished. */
  reason: string | null;
  /** Wall time of the attempt in ms. */
  durationMs: number;
  cost: Cost;
  /** The agent's own session id, when it reports one. */
  sessionId: string | null;
  /** For `try-later`: how long to wait before trying again, in ms, when the agent said. */
  retryAfterMs: number | null;
  /** The agent's final message, when the runner can tell it apart from the transcript. */
  finalMessage: string | null;
}

/** A runner: starts the agent described by `req` and resolves when it has ended (never rejects for agent failures). */
export type Runner = (req: AgentRunRequest) => Promise<AgentRunResult>;
