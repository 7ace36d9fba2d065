/**
 * The implement phase: the implementer works in the task's worktree on branch `fleet/<id>` (reused
 * across attempts, reset to the branch head first). The coordinator commits whatever the agent left,
 * with a `Fleet-Task` trailer, records the head commit in the run, and hands it to the implement
 * gates: they pass → `ship / ready`; they fail → another attempt with their output as feedback; the
 * reviewer is rate limited → try later, and the next attempt judges the same commit without running
 * the implementer again. Before the first attempt, the gates run once on the start commit with no
 * change (`baseline.ts`): red there blocks the task without using an attempt.
 */
import type { AgentRunResult } from "../../agents/types.js";
import { gitIdentity } from "../../git/repo.js";
import { gitText } from "../../git/run-git.js";
import { formatCommitMessage } from "../../git/trailers.js";
import { commitAll } from "../../git/worktree.js";
import { addCosts, zeroCost } from "../../lifecycle/cost.js";
import { buildPrompt } from "../../lifecycle/prompt.js";
import { baselineLanding } from "../baseline.js";
import { agentLabel } from "../context.js";
import { approvalProblem, baseTip, runImplementGates } from "../implement-gates.js";
import type { Job, Landing } from "../job.js";
import { earlyLanding, failedLanding, resultFields, runAgent } from "../run-agent.js";
import { baseBranchCommit, implementWorktree } from "./checkout.js";
import { earlierWork, gatesPendingOn, previousFeedback } from "./context-files.js";

/** Commits what the agent left in `dir`; returns the worktree's head commit afterwards. */
async function commitLeftovers(job: Job, dir: string): Promise<string> {
  const message = formatCommitMessage({
    task: job.task.id,
    phase: "implement",
    event: `attempt ${job.attempt}`,
    title: job.task.title,
    agent: agentLabel(job.action.agent, job.agent?.record.runner, job.agent?.record.model),
    run: job.seq,
    epoch: job.epoch,
  });
  const who = (await gitIdentity(job.repo.root)) ?? { name: "gitfleet", email: "fleet@localhost" };
  await commitAll(dir, message, who);
  return gitText(["rev-parse", "HEAD"], { cwd: dir });
}

/** Runs one implement attempt (and, when the agent finished, the implement gates). */
export async function runImplement(job: Job): Promise<Landing> {
  const start = job.task.base_commit ?? (await baseBranchCommit(job));
  const wt = await implementWorktree(job, start);
  if (wt.landing) return wt.landing;
  const pending = gatesPendingOn(job, await gitText(["rev-parse", "HEAD"], { cwd: wt.cwd }));
  // The gates check the approval again; checking it first spends nothing on checks nobody approved.
  const tip = await baseTip(job);
  const unapproved = tip ? await approvalProblem(job, tip) : null;
  if (unapproved) return { end: { kind: "blocked", reason: unapproved }, reason: unapproved };
  if (!pending && job.attempt === 1) {
    const red = await baselineLanding(job, start);
    if (red) return red;
  }
  if (pending) {
    job.emit({ event: "gating", detail: `judging ${pending.slice(0, 12)} again: its gates were deferred` });
    return gatedLanding(job, null, { cwd: wt.cwd, head: pending, start });
  }
  const earlier = earlierWork(job);
  const prompt = buildPrompt({
    phase: "implement",
    role: job.agent?.body ?? "",
    task: job.task,
    taskBody: job.taskBody,
    attempt: job.attempt,
    research: earlier.research,
    plan: earlier.plan,
    acceptance: earlier.acceptance,
    feedback: previousFeedback(job),
  });
  const r = await runAgent(job, wt.cwd, prompt);
  if (r.outcome === "aborted" || r.outcome === "blocked") return earlyLanding(job, r) as Landing;
  const branch = await gitText(["symbolic-ref", "-q", "--short", "HEAD"], { cwd: wt.cwd, okCodes: [1] });
  if (branch !== `fleet/${job.task.id}`)
    return failedLanding(
      job,
      r,
      `the agent left the worktree on ${branch || "a detached HEAD"}, not on branch fleet/${job.task.id}`,
    );
  const head = await commitLeftovers(job, wt.cwd);
  const early = earlyLanding(job, r);
  if (early) return { ...early, headCommit: head };
  if (head === start)
    return {
      ...failedLanding(job, r, "the agent finished but left no change on the branch"),
      headCommit: head,
    };
  return gatedLanding(job, r, { cwd: wt.cwd, head, start });
}

/**
 * Runs the implement gates on `at.head` and lands their verdict. `r` is the implementer's result, or
 * null when this attempt only judges a commit whose gates were deferred; the run's cost is the
 * implementer's plus the reviewer's.
 */
async function gatedLanding(
  job: Job,
  r: AgentRunResult | null,
  at: { cwd: string; head: string; start: string },
): Promise<Landing> {
  const gates = await runImplementGates({ job, worktree: at.cwd, headCommit: at.head, baseCommit: at.start });
  const fields = r ? resultFields(r) : {};
  const common = {
    ...fields,
    cost: addCosts(fields.cost ?? zeroCost(), gates.cost),
    headCommit: at.head,
    gates: gates.gates,
  };
  if (job.signal.aborted)
    return { ...common, end: { kind: "interrupted", reason: "stopped during the gates" } };
  if (gates.tryLater) {
    const reason = gates.reason ?? "an implement gate will run again later";
    return { ...common, end: { kind: "try-later", reason }, reason, retryAfterMs: gates.retryAfterMs };
  }
  if (gates.blocked) {
    const reason = gates.reason ?? "an implement gate could not run";
    return { ...common, end: { kind: "blocked", reason }, reason };
  }
  if (!gates.passed) {
    const reason = gates.reason ?? "an implement gate failed";
    const landing = failedLanding(job, r, reason, "rejected");
    return {
      ...landing,
      ...common,
      runBody: gates.feedback ? `## Feedback\n\n${reason}\n\n${gates.feedback}\n` : landing.runBody,
    };
  }
  return { ...common, end: { kind: "advance", phase: "ship", status: "ready" } };
}
