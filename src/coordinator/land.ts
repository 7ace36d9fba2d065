/**
 * Landing a run's result: under the state lock, and only while the job's epoch is still current and
 * the task still says `<phase> / running`, write the artifacts, the final run record and the settled
 * task, and commit them as one event with trailers (design.md §3) — through a redo journal, so a
 * crash never leaves half of it (landing-journal.ts). A run that lost its claim writes nothing but
 * its own run record, marked `lost-claim` — and only while that record still says `running` under
 * this run's epoch: a daemon paused past its lease finds it settled by the new holder (recovery marks
 * it `interrupted`), and then writes and commits nothing at all.
 */

import { rmSync } from "node:fs";
import path from "node:path";
import { backoffAfter } from "../agents/failure-class.js";
import { takeLogStats } from "../agents/output-capture.js";
import { makeRedactor, secretValues } from "../agents/redact.js";
import { FleetError } from "../errors.js";
import { commitFleet } from "../git/commit-fleet.js";
import { GitError, git } from "../git/run-git.js";
import { addCost, settleRun } from "../lifecycle/run-transitions.js";
import { describeSecretHits, findSecrets } from "../lifecycle/secret-scan.js";
import { pushTaskBranch } from "../remote/transport.js";
import { stringifyFrontmatter } from "../store/frontmatter.js";
import { relativeToRoot, taskPath } from "../store/paths.js";
import { readRuns } from "../store/read-records.js";
import { readTask } from "../store/read-tasks.js";
import type { Run } from "../store/schemas/run.js";
import { withStateLock } from "../store/state-lock.js";
import { LAYOUT, taskFileText, writeRun } from "../store/write-records.js";
import { isEpochCurrent, readClaim, writeClaim } from "./claims.js";
import { agentLabel } from "./context.js";
import type { Job, Landing } from "./job.js";
import { applyJournal, type LandingJournal, writeJournal } from "./landing-journal.js";
import { finishedRun, runRel, startedRun } from "./run-records.js";

/** How a landing went: `landed` false means the claim was lost and only the run record was written. */
export interface Landed {
  landed: boolean;
  outcome: Run["outcome"];
  event: string;
  /** The task's new `phase / status`, when landed. */
  state: string | null;
  commit: string | null;
}

/**
 * `landing` with the daemon's secrets kept out of what gets committed: a file to land or a question
 * holding a secret's value blocks the task instead (naming file, line and variable, never the value),
 * and the reason and run body are redacted.
 */
export function withoutSecrets(landing: Landing, env: NodeJS.ProcessEnv): Landing {
  const values = secretValues(env);
  if (values.length === 0) return landing;
  const files = (landing.writes ?? []).map((w) => ({
    file: w.rel,
    text: typeof w.content === "string" ? w.content : w.content.toString("utf8"),
  }));
  if (landing.end.kind === "question") files.push({ file: "question.md", text: landing.end.question });
  const redact = makeRedactor(env);
  const hits = findSecrets(files, values);
  if (hits.length > 0) {
    const reason = describeSecretHits(hits);
    const { writes: _dropped, replaceDirs: _kept, taskPatch: _patch, ...rest } = landing;
    return { ...rest, end: { kind: "blocked", reason }, reason, runBody: redact(landing.runBody ?? "") };
  }
  return {
    ...landing,
    ...(landing.reason ? { reason: redact(landing.reason) } : {}),
    ...(landing.runBody ? { runBody: redact(landing.runBody) } : {}),
  };
}

/**
 * True when the landing only hands the task to the next phase the daemon runs by itself — research
 * done → `plan / ready`, implement done → `ship / ready` — so it is not committed alone: the task's
 * next commit (proposed, shipped, or any failure) carries its files (deferred-commits.ts).
 */
export function handsOver(event: string, task: { phase: string; status: string }): boolean {
  const next = event === "researched" ? "plan" : event === "implemented" ? "ship" : null;
  return next !== null && task.phase === next && task.status === "ready";
}

/** Back-off after a first try-later whose agent did not say how long to wait, ms (it doubles after). */
export const DEFAULT_RETRY_MS = 60_000;

function jobRun(job: Job): Run {
  return startedRun({
    task: job.task.id,
    seq: job.seq,
    phase: job.phase,
    agent: job.action.agent,
    runner: job.agent?.record.runner ?? null,
    model: job.agent?.record.model ?? null,
    attempt: job.attempt,
    epoch: job.epoch,
    started: job.started,
    log: job.log.rel,
    sandbox: job.config.sandbox,
    definitions: job.definitions.commit,
  });
}

/**
 * Lands `landing` for `job`. `lost` says the claim's lock was compromised during the run.
 * @throws GitError/FleetError when writing or committing fails (the caller reports it; the task stays
 *   `running` until recovery).
 */
export async function landJob(
  job: Job,
  landing: Landing,
  lost: string | null,
  now: () => Date,
): Promise<Landed> {
  const { repo, paths } = job;
  landing = withoutSecrets(landing, job.env);
  return withStateLock(repo.commonDir, async () => {
    const at = now();
    const durationMs = landing.durationMs ?? at.getTime() - job.started.getTime();
    const logged = takeLogStats(job.log.abs);
    const base = finishedRun(
      { ...jobRun(job), ...(logged ? { log_bytes: logged.bytes, log_truncated: logged.truncated } : {}) },
      at,
      {
        duration_ms: durationMs,
        exit_code: landing.exitCode ?? null,
        reason: landing.reason ?? null,
        head_commit: landing.headCommit ?? null,
        session_id: landing.sessionId ?? null,
        cost: landing.cost ?? { usd: null, input_tokens: null, output_tokens: null },
        gates: landing.gates ?? [],
      },
    );
    const read = readTask(paths, job.task.id);
    const fresh = read?.ok ? read.task : null;
    const why =
      lost ??
      (!isEpochCurrent(repo.commonDir, job.task.id, job.epoch)
        ? `epoch ${job.epoch} is no longer current (another claim took the task)`
        : !fresh || fresh.record.phase !== job.phase || fresh.record.status !== "running"
          ? `the task changed while it ran (now ${fresh ? `${fresh.record.phase} / ${fresh.record.status}` : "unreadable or gone"})`
          : null);
    const agent = agentLabel(job.action.agent, job.agent?.record.runner, job.agent?.record.model);
    const event = {
      task: job.task.id,
      phase: job.phase,
      title: job.task.title,
      agent,
      run: job.seq,
      epoch: job.epoch,
    };
    if (why !== null || !fresh) {
      const mine = readRuns(paths, job.task.id).find((r) => r.record.seq === job.seq)?.record;
      if (mine && (mine.outcome !== "running" || mine.epoch !== job.epoch))
        return { landed: false, outcome: "lost-claim", event: "lost-claim", state: null, commit: null };
      const run = { ...base, outcome: "lost-claim" as const, reason: why };
      if (job.remote) {
        // With a remote nothing of a run is committed before it lands: put the files its claim wrote
        // back as the base has them, so the base can follow the remote (whoever holds the task now).
        await forgetClaimFiles(job, runRel(paths, run));
        const claim = readClaim(repo.commonDir, job.task.id);
        if (claim && isEpochCurrent(repo.commonDir, job.task.id, job.epoch))
          await writeClaim(repo.commonDir, { ...claim, active: false });
        return { landed: false, outcome: "lost-claim", event: "lost-claim", state: null, commit: null };
      }
      await writeRun(paths, run, landing.runBody ?? "");
      const commit = await commitFleet(repo, {
        event: { ...event, event: "lost-claim", body: why ?? "" },
        paths: [runRel(paths, run)],
      });
      const claim = readClaim(repo.commonDir, job.task.id);
      if (claim && isEpochCurrent(repo.commonDir, job.task.id, job.epoch))
        await writeClaim(repo.commonDir, { ...claim, active: false });
      return { landed: false, outcome: "lost-claim", event: "lost-claim", state: null, commit };
    }
    const config = job.config;
    const settled = settleRun({ ...fresh.record, ...landing.taskPatch }, job.phase, landing.end, {
      maxAttempts: config.max_attempts,
      now: at,
    });
    const task = { ...settled.task, cost: addCost(settled.task, base.cost, durationMs) };
    const run: Run = { ...base, outcome: settled.outcome };
    const writes: LandingJournal["writes"] = (landing.writes ?? []).map((w) =>
      typeof w.content === "string"
        ? { rel: w.rel, text: w.content }
        : { rel: w.rel, base64: w.content.toString("base64") },
    );
    writes.push({
      rel: runRel(paths, run),
      text: stringifyFrontmatter(run, landing.runBody ?? "", LAYOUT.run),
    });
    writes.push({
      rel: relativeToRoot(paths.root, taskPath(paths, task.id)),
      text: taskFileText(paths, task, fresh.body),
    });
    const journal: LandingJournal = {
      task: task.id,
      epoch: job.epoch,
      removeDirs: landing.replaceDirs ?? [],
      writes,
      event: { ...event, event: settled.event, costUsd: base.cost.usd, body: landing.reason ?? "" },
      ...(handsOver(settled.event, task) ? { defer: true } : {}),
    };
    // Implement's result must be on the remote before the task can be shipped elsewhere (a hand-over
    // may be committed, and its claim released, long after this).
    if (job.remote && job.phase === "implement" && landing.headCommit)
      await pushImplemented(job, landing.headCommit);
    await writeJournal(repo.commonDir, journal);
    const commit = await applyJournal(repo, journal);
    if (job.remote && commit) {
      const refused = await publishLanding(job, commit);
      if (refused) return refused;
    }
    // A hand-over that committed nothing yet keeps the remote claim: the next phase runs here, and
    // the commit that carries this result releases it (remote-session.ts `keep`).
    if (job.remote && !commit && journal.defer) job.remote.keep(job.task.id);
    const claim = readClaim(repo.commonDir, job.task.id);
    if (claim) {
      // Try-laters in a row wait longer each time (1 min, 2, 4 … 1 h), never less than the agent asked.
      const earlier = readRuns(paths, job.task.id)
        .filter((r) => r.record.seq < job.seq)
        .map((r) => r.record.outcome);
      const retry =
        landing.end.kind === "try-later"
          ? new Date(at.getTime() + backoffAfter(earlier, landing.retryAfterMs ?? null))
          : null;
      await writeClaim(repo.commonDir, {
        ...claim,
        active: false,
        retry_at: retry ? retry.toISOString() : null,
      });
    }
    return {
      landed: true,
      outcome: settled.outcome,
      event: settled.event,
      state: `${task.phase} / ${task.status}`,
      commit,
    };
  });
}

/**
 * With a remote: pushes the landing's commit together with the claim's release (publish.ts). The
 * remote refuses it when another machine took the task over (the claim ref moved past this epoch):
 * the commit is then dropped here too and the run counts as `lost-claim`. When the remote does not
 * answer, the commit stays local and the daemon's next sync pushes it — still only under this epoch's
 * claim, so a takeover meanwhile refuses it just the same.
 * @returns the refused landing, or null when it reached the remote (or will be tried again by sync).
 */
async function publishLanding(job: Job, commit: string): Promise<Landed | null> {
  const remote = job.remote;
  if (!remote) return null;
  // A landing not on the remote before the lease runs out is another machine's to redo: try hard.
  const until = Date.now() + remote.opts.leaseMs / 2;
  for (let attempt = 0; ; attempt++) {
    try {
      const published = await remote.publish();
      if (!published.fenced.some((f) => f.commit === commit)) return null;
      break;
    } catch (err) {
      if (!(err instanceof FleetError || err instanceof GitError)) throw err;
      if (Date.now() >= until) {
        job.emit({
          event: "error",
          detail: `the result is committed here but not on the remote yet: ${err.message}`,
        });
        return null;
      }
      await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 1_000)));
    }
  }
  const claim = readClaim(job.repo.commonDir, job.task.id);
  if (claim?.epoch === job.epoch) await writeClaim(job.repo.commonDir, { ...claim, active: false });
  return { landed: false, outcome: "lost-claim", event: "lost-claim", state: null, commit: null };
}

/** Restores the task file to the base's version and removes the run record `runFile` (never committed). */
async function forgetClaimFiles(job: Job, runFile: string): Promise<void> {
  const taskFile = relativeToRoot(job.paths.root, taskPath(job.paths, job.task.id));
  await git(["restore", "--source=HEAD", "--worktree", "--", `:(literal)${taskFile}`], {
    cwd: job.repo.root,
    okCodes: [1],
  });
  const tracked = await git(["ls-files", "--error-unmatch", "--", `:(literal)${runFile}`], {
    cwd: job.repo.root,
    okCodes: [1],
  });
  if (tracked.exitCode !== 0) rmSync(path.join(job.repo.root, runFile), { force: true });
}

/**
 * Pushes implement's result `head` as `refs/heads/fleet/<id>` to the remote (three tries). A failure
 * is reported, not thrown: a ship elsewhere then waits for the branch (ship.ts), and a ship here has it.
 */
async function pushImplemented(job: Job, head: string): Promise<void> {
  const remote = job.remote;
  if (!remote) return;
  let why = "";
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const pushed = await pushTaskBranch(job.repo.root, remote.opts.remote, job.task.id, head);
      if (pushed.kind === "pushed") return;
      why = pushed.detail;
    } catch (err) {
      why = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
  }
  job.emit({ event: "error", detail: `could not push fleet/${job.task.id} to the remote: ${why}` });
}
