/**
 * The plan phase: the planner runs in a checkout at the task's base commit and writes `plan.md`,
 * `acceptance.md` (at least one check) and optionally `acceptance/`. They become `plans/<id>.md`,
 * `acceptance/<id>.md` and `acceptance/<id>/` — the old folder is replaced whole — and the task waits
 * for a person (`plan / awaiting-approval`), or goes straight on under `review.plan: auto`. Before
 * that, every check runs on the base commit (`checks-on-base.ts`): a plan none of whose checks fails
 * there goes back to the planner; weak and regression checks are named in the proposal.
 * The planner may also fan the work out into `children/<slug>.md` (plan-children.ts): they land as
 * `plans/<id>/children/`, approved with the plan; under automatic approval they become tasks at once
 * (store/child-task-files.ts) and the task waits in `implement / waiting-children`.
 */

import { planApprovedAutomatically } from "../../lifecycle/children.js";
import { buildPrompt } from "../../lifecycle/prompt.js";
import { childTaskFiles } from "../../store/child-task-files.js";
import { acceptanceFilesDir, planPath, relativeToRoot } from "../../store/paths.js";
import { OutputRefused } from "../../store/read-output-file.js";
import { readResearch } from "../../store/read-records.js";
import type { Job, Landing } from "../job.js";
import { earlyLanding, failedLanding, readOutput, resultFields, runAgent } from "../run-agent.js";
import { makePlan } from "./artifacts.js";
import { baseBranchCommit, readOnlyCheckout } from "./checkout.js";
import { vetChecks } from "./checks-on-base.js";
import { earlierWork, previousFeedback } from "./context-files.js";
import { makeChildren } from "./plan-children.js";

/** Runs one plan attempt. */
export async function runPlan(job: Job): Promise<Landing> {
  const base = job.task.base_commit ?? (await baseBranchCommit(job));
  const co = await readOnlyCheckout(job, base);
  try {
    if (co.landing) return co.landing;
    return await planIn(job, co.cwd, base);
  } finally {
    co.release();
  }
}

async function planIn(job: Job, cwd: string, base: string): Promise<Landing> {
  const earlier = earlierWork(job);
  const prompt = buildPrompt({
    phase: "plan",
    role: job.agent?.body ?? "",
    task: job.task,
    taskBody: job.taskBody,
    attempt: job.attempt,
    // A child of a fanned-out task skips research: it plans from its parent's.
    research: earlier.research ?? parentResearch(job),
    rejection: earlier.rejection,
    feedback: previousFeedback(job),
  });
  const r = await runAgent(job, cwd, prompt);
  const early = earlyLanding(job, r);
  if (early) return early;
  let planText: string | null;
  let accText: string | null;
  try {
    planText = readOutput(job, "plan.md");
    accText = readOutput(job, "acceptance.md");
  } catch (err) {
    if (err instanceof OutputRefused) return failedLanding(job, r, err.message);
    throw err;
  }
  const missing = [planText === null && "plan.md", accText === null && "acceptance.md"].filter(Boolean);
  if (missing.length)
    return failedLanding(
      job,
      r,
      `the agent exited 0 but wrote no ${missing.join(" and no ")} in $FLEET_OUTPUT_DIR`,
    );
  let made: ReturnType<typeof makePlan>;
  try {
    made = makePlan(job, planText ?? "", accText ?? "", base);
  } catch (err) {
    if (err instanceof OutputRefused) return failedLanding(job, r, err.message);
    throw err;
  }
  if (!made.ok) return failedLanding(job, r, made.reason);
  const children = makeChildren(job);
  if (!children.ok) return failedLanding(job, r, children.reason);
  const vetted = await vetChecks(job, r, base, made.writes);
  if (vetted.kind === "stop") return vetted.landing;
  const auto = planApprovedAutomatically(job.task, job.config.review);
  const fanned = children.proposals.length > 0;
  const spawned =
    auto && fanned
      ? childTaskFiles(job.paths, job.task, children.proposals, job.started).map(({ rel, content }) => ({
          rel,
          content,
        }))
      : [];
  const planFolder = planPath(job.paths, job.task.id).slice(0, -".md".length);
  return {
    ...resultFields(r),
    reason: vetted.warning,
    runBody: vetted.details,
    end: !auto
      ? { kind: "advance", phase: "plan", status: "awaiting-approval" }
      : fanned
        ? { kind: "advance", phase: "implement", status: "waiting-children" }
        : { kind: "advance", phase: "implement", status: "ready" },
    replaceDirs: [
      relativeToRoot(job.paths.root, acceptanceFilesDir(job.paths, job.task.id)),
      relativeToRoot(job.paths.root, planFolder),
    ],
    writes: [...vetted.writes, ...children.writes, ...spawned],
    taskPatch: { base_commit: base },
  };
}

/** The research of the task's parent, for a child task (which has none of its own), or null. */
function parentResearch(job: Job): string | null {
  if (job.task.parent === null) return null;
  return readResearch(job.paths, job.task.parent)?.body ?? null;
}
