/**
 * What earlier phases left for the prompt: research, plan (with a person's rejection), acceptance, and
 * the feedback of this phase's previous failed attempt (its run record's body or reason).
 */
import { readAcceptance, readPlan, readResearch, readRuns } from "../../store/read-records.js";
import type { Job } from "../job.js";

const NOT_SETTLED = new Set(["running", "interrupted", "try-later", "lost-claim"]);
const FAILED = new Set(["failed", "timeout", "rejected"]);

/**
 * The feedback of the last settled run of this phase, when it failed; null otherwise. For implement, a
 * failed ship run counts too: a ship gate or a rebase conflict sends the work back to implement.
 */
export function previousFeedback(job: Job): string | null {
  const phases = job.phase === "implement" ? ["implement", "ship"] : [job.phase];
  const runs = readRuns(job.paths, job.task.id).filter(
    (r) => phases.includes(r.record.phase) && r.record.seq < job.seq && !NOT_SETTLED.has(r.record.outcome),
  );
  const last = runs.at(-1);
  if (!last || !FAILED.has(last.record.outcome)) return null;
  return last.body.trim() || last.record.reason;
}

/**
 * The agent session of this phase's previous attempt, when it failed and ran with the same runner
 * (claude-code resumes it on an implement retry); null otherwise.
 */
export function previousSession(job: Job): string | null {
  const runs = readRuns(job.paths, job.task.id).filter(
    (r) => r.record.phase === job.phase && r.record.seq < job.seq && !NOT_SETTLED.has(r.record.outcome),
  );
  const last = runs.at(-1)?.record;
  if (!last || !FAILED.has(last.outcome) || last.runner !== (job.agent?.record.runner ?? null)) return null;
  return last.session_id;
}

/**
 * The commit whose implement gates still owe a verdict, or null: the previous implement run produced
 * `head` and then a gate's agent was rate limited (`try-later`), so this attempt judges that commit
 * again instead of running the implementer once more.
 */
export function gatesPendingOn(job: Job, head: string): string | null {
  const runs = readRuns(job.paths, job.task.id).filter(
    (r) =>
      r.record.seq < job.seq &&
      (r.record.phase === "implement" || r.record.phase === "ship") &&
      r.record.outcome !== "interrupted" &&
      r.record.outcome !== "lost-claim",
  );
  const last = runs.at(-1)?.record;
  if (last?.phase !== "implement" || last.outcome !== "try-later") return null;
  if (last.head_commit !== head || !last.gates.some((g) => g.verdict === "try-later")) return null;
  return head;
}

/** The research body, plan body, plan rejection and acceptance of the job's task (null when absent). */
export function earlierWork(job: Job) {
  const research = readResearch(job.paths, job.task.id);
  const plan = readPlan(job.paths, job.task.id);
  const acceptance = readAcceptance(job.paths, job.task.id);
  return {
    research: research?.body ?? null,
    plan: plan?.body ?? null,
    rejection: plan?.record.rejection
      ? { by: plan.record.rejection.by, reason: plan.record.rejection.reason }
      : null,
    acceptance: acceptance ? { checks: acceptance.record.checks, body: acceptance.body } : null,
  };
}
