/**
 * The implement gates: after an implement attempt, the gates named in `config.gates.implement` judge
 * the commit it produced, in a clean checkout (design.md §2, §6). They pass → the task moves on to
 * ship; a gate fails (or the change touches `.fleet/` or a protected path) → another attempt with the
 * gate, command, exit code and output as feedback; a gate that cannot judge → the task is blocked for
 * a person. The acceptance checks come from the base branch's tip — the files the person approved —
 * and are only trusted while the plan's approval matches them exactly as they are there.
 */
import { agentGateRunner } from "../gates/agent-gate.js";
import type { GateRunner } from "../gates/run-gates.js";
import { runGates } from "../gates/run-gates.js";
import { gitText } from "../git/run-git.js";
import { planApprovedAutomatically } from "../lifecycle/children.js";
import { zeroCost } from "../lifecycle/cost.js";
import { readAcceptance, readPlan } from "../store/read-records.js";
import type { Cost } from "../store/schemas/common.js";
import type { Gate } from "../store/schemas/gate.js";
import type { GateResult } from "../store/schemas/run.js";
import { approvalProblemAt } from "./approval-at-commit.js";
import type { Job } from "./job.js";

/** What the implement gates are given: the job, the worktree and the commit the attempt produced. */
export interface ImplementGatesInput {
  job: Job;
  /** The task's worktree (branch `fleet/<id>`); gates must not run in it, but may read its git data. */
  worktree: string;
  /** The commit to judge (head of `fleet/<id>`). */
  headCommit: string;
  /** The commit the work started from (`base_commit`). */
  baseCommit: string;
}

/** The gates' verdict. `feedback` goes into the next attempt's prompt when they did not pass. */
export interface ImplementGatesResult {
  passed: boolean;
  /** Set when a gate could not judge (not the candidate's fault): the task waits for a person. */
  blocked: boolean;
  /** Set when a gate's agent was rate limited: judge again after a back-off, no attempt used. */
  tryLater: boolean;
  /** For `tryLater`: the wait the agent asked for, ms, or null. */
  retryAfterMs: number | null;
  /** What the gates' agents spent (the reviewer). */
  cost: Cost;
  gates: GateResult[];
  /** One sentence: which gate failed and how. */
  reason: string | null;
  /** Longer text for the implementer (gate, command, exit code, output). */
  feedback: string | null;
}

/** The reviewer gate runner for `job`'s task (it judges whatever commit the gate checkout holds). */
export function reviewerFor(job: Job): GateRunner {
  return agentGateRunner({
    agents: job.definitions.agents,
    getRunner: job.getRunner,
    title: job.task.title,
    taskBody: job.taskBody,
    plan: readPlan(job.paths, job.task.id)?.body ?? null,
    checks: readAcceptance(job.paths, job.task.id)?.record.checks ?? [],
    epoch: job.epoch,
    attempt: job.attempt,
    parentEnv: job.env,
    maxBudgetUsd: job.config.budgets.per_attempt_usd,
    prices: job.config.prices,
  });
}

/**
 * Why the acceptance checks at `commit` cannot be trusted, or null: under `review.plan: person` the
 * plan's approval must match plan + acceptance files exactly as they are at `commit`, the commit
 * whose `.fleet/` the acceptance gate runs (see approval-at-commit.ts).
 */
export async function approvalProblem(job: Job, commit: string): Promise<string | null> {
  if (planApprovedAutomatically(job.task, job.config.review)) return null;
  return (await approvalProblemAt(job.repo, commit, job.task.id))?.reason ?? null;
}

/** The job's gate definitions by name, as its definitions commit holds them. */
export function gatesOf(job: Job): Map<string, Gate> {
  return new Map([...job.definitions.gates].map(([name, loaded]) => [name, loaded.record]));
}

/** The base branch's tip, or null when it does not exist. */
export async function baseTip(job: Job): Promise<string | null> {
  const out = await gitText(["rev-parse", "--verify", "-q", `refs/heads/${job.config.base}`], {
    cwd: job.repo.root,
    okCodes: [1],
  });
  return out === "" ? null : out;
}

/**
 * Runs `config.gates.implement` on `input.headCommit`. The change is judged from where it forked off
 * the base branch (so base commits merged into the branch are not the agent's), and the acceptance
 * checks come from the base branch's tip.
 */
export async function runImplementGates(input: ImplementGatesInput): Promise<ImplementGatesResult> {
  const { job, headCommit } = input;
  const blocked = (reason: string): ImplementGatesResult => ({
    passed: false,
    blocked: true,
    tryLater: false,
    retryAfterMs: null,
    cost: zeroCost(),
    gates: [],
    reason,
    feedback: null,
  });
  const tip = await baseTip(job);
  if (!tip) return blocked(`the base branch ${job.config.base} does not exist`);
  const problem = await approvalProblem(job, tip);
  if (problem) return blocked(problem);
  const forkPoint =
    (await gitText(["merge-base", headCommit, tip], { cwd: job.repo.root, okCodes: [1] })) ||
    input.baseCommit;
  job.emit({
    event: "gating",
    detail: `implement gates: ${job.config.gates.implement.join(", ") || "none"}`,
  });
  const report = await runGates({
    repo: job.repo,
    taskId: job.task.id,
    names: job.config.gates.implement,
    config: job.config,
    gates: gatesOf(job),
    candidate: headCommit,
    base: forkPoint,
    fleetFrom: tip,
    label: `${String(job.seq).padStart(3, "0")}-implement`,
    agentGate: reviewerFor(job),
    parentEnv: job.env,
    signal: job.signal,
    onSpawn: (pgid) => job.onSpawn(pgid),
    onGate: ({ gate, result }) => {
      if (result) job.emit({ event: `gate ${result.verdict}`, detail: `${gate} (${result.duration_ms} ms)` });
    },
  });
  return {
    passed: report.outcome === "passed",
    blocked: report.outcome === "error",
    tryLater: report.outcome === "try-later",
    retryAfterMs: report.retryAfterMs,
    cost: report.cost,
    gates: report.results,
    reason: report.reason,
    feedback: report.feedback,
  };
}
