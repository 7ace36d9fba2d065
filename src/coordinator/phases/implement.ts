/**
 * The implement phase: the implementer works in the task's own clone on branch `fleet/<id>` (reused
 * across attempts, reset to the branch's commit first). The coordinator commits whatever the agent left,
 * with a `Fleet-Task` trailer, takes the result out as data (src/git/clone.ts `takeResult`), records the
 * head commit in the run, and hands it to the implement gates: they pass → `ship / ready`; they fail → another attempt with their output as feedback; the
 * reviewer is rate limited → try later, and the next attempt judges the same commit without running
 * the implementer again. Before the first attempt, the gates run once on the start commit with no
 * change (`baseline.ts`): red there blocks the task without using an attempt.
 */
import path from "node:path";
import { secretValues } from "../../agents/redact.js";
import type { AgentRunResult } from "../../agents/types.js";
import { ResultRefused, takeResult } from "../../git/clone.js";
import { gitIdentity } from "../../git/repo.js";
import { git, gitText } from "../../git/run-git.js";
import { formatCommitMessage } from "../../git/trailers.js";
import { addCosts, zeroCost } from "../../lifecycle/cost.js";
import { buildPrompt } from "../../lifecycle/prompt.js";
import { describeSecretHits, findSecretsInDiff } from "../../lifecycle/secret-scan.js";
import { runtimePaths } from "../../store/paths.js";
import { baselineLanding } from "../baseline.js";
import { agentLabel } from "../context.js";
import { approvalProblem, baseTip, runImplementGates } from "../implement-gates.js";
import type { Job, Landing } from "../job.js";
import { earlyLanding, failedLanding, resultFields, runAgent } from "../run-agent.js";
import { baseBranchCommit, cloneGit, implementClone } from "./checkout.js";
import { earlierWork, gatesPendingOn, previousFeedback } from "./context-files.js";

/**
 * Commits what the agent left in clone `dir` and takes the result into `fleet/<id>` (from `expected`).
 * @returns the head commit, or a reason the result was refused.
 */
async function commitLeftovers(
  job: Job,
  dir: string,
  start: string,
  expected: string | null,
): Promise<string | { refused: string }> {
  const message = formatCommitMessage({
    task: job.task.id,
    phase: "implement",
    event: `attempt ${job.attempt}`,
    title: job.task.title,
    agent: agentLabel(job.action.agent, job.agent?.record.runner, job.agent?.record.model),
    run: job.seq,
    epoch: job.epoch,
  });
  const author = (await gitIdentity(job.repo.root)) ?? { name: "gitfleet", email: "fleet@localhost" };
  try {
    return await takeResult(job.repo, {
      branch: `fleet/${job.task.id}`,
      start,
      expected,
      message,
      author,
      run: (scratch) => cloneGit(job, dir, [scratch]),
      scratchRoot: path.join(runtimePaths(job.repo.commonDir).work, "results"),
    });
  } catch (err) {
    if (err instanceof ResultRefused) return { refused: err.message };
    throw err;
  }
}

/**
 * Why the change from `from` to `head` may not go on, when its added lines hold the value of one of
 * the daemon's secrets; the branch is then put back to `expected` (or removed), so no ref keeps it.
 */
async function secretsInChange(
  job: Job,
  from: string,
  head: string,
  expected: string | null,
): Promise<string | null> {
  const values = secretValues(job.env);
  if (values.length === 0 || from === head) return null;
  const diff = await git(["diff", "-U0", "--no-ext-diff", "--no-textconv", "--no-color", from, head, "--"], {
    cwd: job.repo.root,
  });
  const hits = findSecretsInDiff(diff.stdout, values);
  if (hits.length === 0) return null;
  const ref = `refs/heads/fleet/${job.task.id}`;
  await git(expected ? ["update-ref", ref, expected, head] : ["update-ref", "-d", ref, head], {
    cwd: job.repo.root,
  });
  return describeSecretHits(hits);
}

/** The commit of `refs/heads/<branch>` in the person's clone, or null when there is none. */
async function branchCommit(job: Job, branch: string): Promise<string | null> {
  const sha = await gitText(["rev-parse", "--verify", "-q", `refs/heads/${branch}^{commit}`], {
    cwd: job.repo.root,
    okCodes: [1],
  });
  return sha || null;
}

/** Runs one implement attempt (and, when the agent finished, the implement gates). */
export async function runImplement(job: Job): Promise<Landing> {
  const start = job.task.base_commit ?? (await baseBranchCommit(job));
  const branch = `fleet/${job.task.id}`;
  const tip = await branchCommit(job, branch);
  const wt = await implementClone(job, tip ?? start);
  if (wt.landing) return wt.landing;
  const pending = gatesPendingOn(job, tip ?? start);
  // The gates check the approval again; checking it first spends nothing on checks nobody approved.
  const baseAt = await baseTip(job);
  const unapproved = baseAt ? await approvalProblem(job, baseAt) : null;
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
  const r = await runAgent(job, wt.cwd, prompt, { gitWritable: true });
  if (r.outcome === "aborted" || r.outcome === "blocked") return earlyLanding(job, r) as Landing;
  const taken = await commitLeftovers(job, wt.cwd, tip ?? start, tip);
  if (typeof taken !== "string") return failedLanding(job, r, taken.refused);
  const head = taken;
  const leak = await secretsInChange(job, tip ?? start, head, tip);
  if (leak) return { ...resultFields(r), end: { kind: "blocked", reason: leak }, reason: leak };
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
