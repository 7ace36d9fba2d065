/**
 * The research phase: the researcher runs in a checkout detached at the base branch's current commit;
 * its `research.md` becomes `research/<id>.md`, stamped with that commit, which also becomes the
 * task's `base_commit`. Then the task is `plan / ready`.
 */
import { buildPrompt } from "../../lifecycle/prompt.js";
import { OutputRefused } from "../../store/read-output-file.js";
import type { Job, Landing } from "../job.js";
import { earlyLanding, failedLanding, readOutput, resultFields, runAgent } from "../run-agent.js";
import { makeResearch } from "./artifacts.js";
import { baseBranchCommit, readOnlyCheckout } from "./checkout.js";
import { previousFeedback } from "./context-files.js";

/** Runs one research attempt. */
export async function runResearch(job: Job): Promise<Landing> {
  const base = await baseBranchCommit(job);
  const co = await readOnlyCheckout(job, base);
  try {
    if (co.landing) return co.landing;
    return await researchIn(job, co.cwd, base);
  } finally {
    co.release();
  }
}

async function researchIn(job: Job, cwd: string, base: string): Promise<Landing> {
  const prompt = buildPrompt({
    phase: "research",
    role: job.agent?.body ?? "",
    task: job.task,
    taskBody: job.taskBody,
    attempt: job.attempt,
    feedback: previousFeedback(job),
  });
  const r = await runAgent(job, cwd, prompt);
  const early = earlyLanding(job, r);
  if (early) return early;
  let text: string | null;
  try {
    text = readOutput(job, "research.md");
  } catch (err) {
    if (err instanceof OutputRefused) return failedLanding(job, r, err.message);
    throw err;
  }
  if (text === null)
    return failedLanding(job, r, "the agent exited 0 but wrote no research.md in $FLEET_OUTPUT_DIR");
  const made = makeResearch(job, text, base);
  if (!made.ok) return failedLanding(job, r, made.reason);
  return {
    ...resultFields(r),
    end: { kind: "advance", phase: "plan", status: "ready" },
    writes: made.writes,
    taskPatch: { base_commit: base },
  };
}
