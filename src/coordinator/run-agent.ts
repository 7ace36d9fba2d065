/**
 * Running a phase's agent for a job (design.md §6): write the prompt file, start the runner in `cwd`
 * with the job's output dir, transcript and abort signal, and turn how it ended into a
 * {@link Landing} — question first, then the runner's outcome. Phases then read what the agent wrote.
 */
import { closeSync, existsSync, openSync, readSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { withProjectBin } from "../agents/find-program.js";
import type { AgentRunResult } from "../agents/types.js";
import { FleetError } from "../errors.js";
import { failpoint } from "../failpoints/failpoint.js";
import type { RunEnd } from "../lifecycle/run-transitions.js";
import { agentSpec } from "../sandbox/index.js";
import { OutputRefused, readOutputFile } from "../store/read-output-file.js";
import type { Job, Landing } from "./job.js";
import { previousSession } from "./phases/context-files.js";

const NO_COST = { usd: null, input_tokens: null, output_tokens: null };

/**
 * Runs the job's agent in `cwd` with `prompt`.
 * @returns the runner's result; a runner that cannot be found is reported as `blocked`.
 */
export async function runAgent(
  job: Job,
  cwd: string,
  prompt: string,
  opts: { gitWritable?: boolean } = {},
): Promise<AgentRunResult> {
  const agent = job.agent;
  if (!agent) throw new Error(`runAgent: the ${job.phase} phase has no agent`);
  if (job.sandbox.mode === "unavailable") throw new Error(`runAgent: ${job.sandbox.reason}`);
  writeFileSync(job.promptFile, prompt);
  let runner: ReturnType<Job["getRunner"]>;
  try {
    runner = job.getRunner(agent.record.runner);
  } catch (err) {
    const reason = err instanceof FleetError ? err.message : `runner ${agent.record.runner} is not available`;
    return {
      outcome: "blocked",
      exitCode: null,
      reason,
      durationMs: 0,
      cost: NO_COST,
      sessionId: null,
      retryAfterMs: null,
      finalMessage: null,
    };
  }
  const result = await runner({
    taskId: job.task.id,
    phase: job.phase,
    attempt: job.attempt,
    epoch: job.epoch,
    agentName: job.action.agent ?? "",
    agent: agent.record,
    prompt,
    cwd,
    outputDir: job.outputDir,
    promptFile: job.promptFile,
    logFile: job.log.abs,
    // An agent CLI the project pins as a dev dependency is found without a hand edit of PATH.
    parentEnv: withProjectBin(job.env, job.paths.root),
    signal: job.signal,
    onSpawn: (pid) => job.onSpawn(pid),
    maxBudgetUsd: job.config.budgets.per_attempt_usd,
    prices: job.config.prices,
    resumeSession: previousSession(job),
    sandbox: agentSpec(job.sandbox, {
      commonDir: job.repo.commonDir,
      taskId: job.task.id,
      agent: agent.record,
      writable: [cwd, job.outputDir],
      readOnly: [job.promptFile],
      // Research and plan checkouts are reset by the coordinator's git: their .git stays the coordinator's.
      readOnlyInsideWritable: opts.gitWritable ? [] : [path.join(cwd, ".git")],
      env: job.env,
    }),
  });
  failpoint("after-agent-exit");
  return result;
}

/**
 * The text of `name` in the job's output dir, or null when the agent did not write it.
 * @throws OutputRefused when it is not plain data (see output-file.ts).
 */
export function readOutput(job: Job, name: string): string | null {
  return readOutputFile(job.outputDir, name)?.toString("utf8") ?? null;
}

/** The last `lines` lines of a transcript (at most 16 KiB read), or "" when there is none. */
export function transcriptTail(file: string, lines = 30): string {
  if (!existsSync(file)) return "";
  const size = statSync(file).size;
  const len = Math.min(size, 16 * 1024);
  const buf = Buffer.alloc(len);
  const fd = openSync(file, "r");
  try {
    readSync(fd, buf, 0, len, size - len);
  } finally {
    closeSync(fd);
  }
  return buf
    .toString("utf8")
    .split(/\r?\n/)
    .slice(-lines - 1)
    .join("\n")
    .trim();
}

/** The run-record fields every agent landing carries. */
export function resultFields(
  r: AgentRunResult,
): Pick<Landing, "exitCode" | "durationMs" | "cost" | "sessionId"> {
  return { exitCode: r.exitCode, durationMs: r.durationMs, cost: r.cost, sessionId: r.sessionId };
}

/** A failure's run body: the reason and the transcript tail, for people and for the next prompt. */
export function failureBody(job: Job, reason: string): string {
  const tail = transcriptTail(job.log.abs);
  return `## Feedback\n\n${reason}\n${tail ? `\n## Transcript tail\n\n\`\`\`\n${tail.replace(/```/g, "`\u200b``")}\n\`\`\`\n` : ""}`;
}

/** A failed attempt's landing (counts as an attempt). */
export function failedLanding(
  job: Job,
  r: AgentRunResult | null,
  reason: string,
  outcome: "failed" | "timeout" | "rejected" = "failed",
): Landing {
  return {
    ...(r ? resultFields(r) : {}),
    end: { kind: "failed", outcome, reason },
    reason,
    runBody: failureBody(job, reason),
  };
}

/**
 * The landing when the agent did not simply finish, or asked a question; null when the phase should
 * go on to read the agent's outputs. A `question.md` wins over a non-zero exit (the agent asked).
 */
export function earlyLanding(job: Job, r: AgentRunResult): Landing | null {
  const fields = resultFields(r);
  if (r.outcome === "aborted") {
    const reason = r.reason ?? "the run was stopped";
    return { ...fields, end: { kind: "interrupted", reason }, reason };
  }
  if (r.outcome === "finished" || r.outcome === "failed") {
    let question: string | undefined;
    try {
      question = readOutput(job, "question.md")?.trim();
    } catch (err) {
      if (err instanceof OutputRefused) return failedLanding(job, r, err.message);
      throw err;
    }
    if (question)
      return { ...fields, end: { kind: "question", question }, reason: "the agent asked a question" };
  }
  const reason = r.reason ?? `the agent ended: ${r.outcome}`;
  let end: RunEnd | null = null;
  if (r.outcome === "failed") return failedLanding(job, r, reason);
  if (r.outcome === "timeout") return failedLanding(job, r, reason, "timeout");
  if (r.outcome === "try-later") end = { kind: "try-later", reason };
  if (r.outcome === "blocked") end = { kind: "blocked", reason };
  return end ? { ...fields, end, reason, retryAfterMs: r.retryAfterMs } : null;
}
