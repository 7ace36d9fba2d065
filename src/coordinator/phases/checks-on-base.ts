/**
 * Red before green, at plan time (rules in `src/lifecycle/weak-checks.ts`): every acceptance check the
 * planner wrote is run on the base commit — a clean checkout of it, after `setup`, with the planner's
 * acceptance files in place and the acceptance gate's environment — before the plan is proposed.
 * A check passes there as it would in the acceptance gate: exit 0, and not a run whose test runner
 * executed no test. What each check did is stamped into the acceptance file (`on_base`), so a person
 * reviewing the plan sees which checks are evidence of the new work and which are regression checks.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { AgentRunResult } from "../../agents/types.js";
import { createCheckout, removeCheckout, resolveCommit, runSetup } from "../../gates/checkout.js";
import { gateNetwork, gateSpec } from "../../gates/run-gates.js";
import { gateEnv, runShell, succeeded } from "../../gates/shell.js";
import { committedPaths } from "../../git/committed-paths.js";
import { git } from "../../git/run-git.js";
import { ranNoTests } from "../../lifecycle/test-count.js";
import {
  checksWarning,
  type OnBase,
  redBeforeGreenProblem,
  weakChecks,
} from "../../lifecycle/weak-checks.js";
import { stringifyFrontmatter } from "../../store/frontmatter.js";
import { acceptancePath, relativeToRoot, runtimePaths } from "../../store/paths.js";
import { parseText, validateRecord } from "../../store/read-file.js";
import { acceptanceSchema, type Check } from "../../store/schemas/artifacts.js";
import { LAYOUT } from "../../store/write-records.js";
import { gatesOf } from "../implement-gates.js";
import type { FileWrite, Job, Landing } from "../job.js";
import { failedLanding, resultFields } from "../run-agent.js";

/** How the run on base ended: what each check did, or why the checks could not be run at all. */
export type ChecksOnBase =
  | { kind: "ran"; onBase: OnBase }
  | { kind: "setup-failed"; reason: string }
  | { kind: "interrupted" };

/**
 * Runs `checks` on `base` (a commit) with the acceptance files of `writes` (those under
 * `.fleet/acceptance/`) written into the checkout. Each check gets the acceptance gate's timeout (ms).
 * Output goes to `<git-common-dir>/fleet/logs/<id>/<seq>-plan-on-base.log`.
 * @throws GitError when the checkout cannot be made.
 */
export async function runChecksOnBase(
  job: Job,
  base: string,
  writes: readonly FileWrite[],
  checks: readonly Check[],
): Promise<ChecksOnBase> {
  const id = job.task.id;
  const gate = gatesOf(job).get("acceptance");
  const timeoutMs = gate?.timeout ?? 10 * 60_000;
  const env = gateEnv(job.env, { ...(gate?.env ?? {}), FLEET_TASK_ID: id });
  const logFile = path.join(
    runtimePaths(job.repo.commonDir).logs,
    id,
    `${String(job.seq).padStart(3, "0")}-plan-on-base.log`,
  );
  const shell = { env, logFile, timeoutMs, signal: job.signal, onSpawn: (pgid: number) => job.onSpawn(pgid) };
  const sha = /^[0-9a-f]{40}$/.test(base) ? base : await resolveCommit(job.repo.root, base);
  const checkout = await createCheckout(job.repo, id, sha);
  // The planner's check lines are an agent's words: they run in the gates' sandbox, like any gate.
  const policy = job.sandbox.mode === "unavailable" ? null : job.sandbox;
  const contained = (network: "none" | "host") =>
    policy ? gateSpec(policy, job.repo, checkout.dir, network) : null;
  try {
    if (job.config.setup) {
      const done = await runSetup(checkout, job.config.setup, {
        ...shell,
        timeoutMs: 30 * 60_000,
        sandbox: contained("host"),
      });
      if (job.signal.aborted) return { kind: "interrupted" };
      if (!succeeded(done))
        return { kind: "setup-failed", reason: `setup \`${job.config.setup}\` failed on the base commit` };
    }
    const folder = `.fleet/acceptance/${id}`;
    const place = () => {
      rmSync(path.join(checkout.dir, folder), { recursive: true, force: true });
      rmSync(path.join(checkout.dir, `${folder}.md`), { force: true });
      for (const w of writes) {
        if (w.rel !== `${folder}.md` && !w.rel.startsWith(`${folder}/`)) continue;
        const abs = path.join(checkout.dir, w.rel);
        mkdirSync(path.dirname(abs), { recursive: true });
        writeFileSync(abs, w.content);
      }
    };
    const onBase: OnBase = { commit: sha, fail: [], pass: [] };
    for (const check of checks) {
      place();
      const r = await runShell({
        ...shell,
        command: check.run,
        cwd: checkout.dir,
        sandbox: contained(gate ? gateNetwork(gate) : "none"),
      });
      if (job.signal.aborted) return { kind: "interrupted" };
      const passed = succeeded(r) && !ranNoTests(r.output);
      (passed ? onBase.pass : onBase.fail).push(check.id);
      // What one check did to the checkout (ignored files such as node_modules stay) must not decide the next.
      await git(["reset", "-q", "--hard"], { cwd: checkout.dir }).catch(() => {});
      await git(["clean", "-q", "-fd"], { cwd: checkout.dir }).catch(() => {});
    }
    return { kind: "ran", onBase };
  } finally {
    await removeCheckout(job.repo, checkout.dir);
  }
}

/** What {@link vetChecks} decided: stop with `landing`, or go on with the stamped `writes` and a warning. */
export type Vetted =
  | { kind: "stop"; landing: Landing }
  | { kind: "propose"; writes: FileWrite[]; warning: string | null; details: string };

/**
 * Runs the planner's checks on `base` and applies the hygiene rules: none fails there → the attempt
 * fails with that feedback for the planner; otherwise the acceptance file in `writes` is stamped with
 * `on_base`, and weak and regression checks are named in `warning` (one line, for the proposal's
 * audit commit) and `details` (markdown, for the run record).
 * @throws GitError when git fails unexpectedly.
 */
export async function vetChecks(
  job: Job,
  r: AgentRunResult,
  base: string,
  writes: readonly FileWrite[],
): Promise<Vetted> {
  const id = job.task.id;
  const accRel = relativeToRoot(job.paths.root, acceptancePath(job.paths, id));
  const accWrite = writes.find((w) => w.rel === accRel);
  const parsed = accWrite ? parseText(accRel, String(accWrite.content)) : null;
  const checked = parsed?.ok ? validateRecord(acceptanceSchema, accRel, parsed.data, parsed.body) : null;
  if (!checked?.ok)
    throw new Error(`the acceptance file made from the planner's output does not read back: ${accRel}`);
  const { record, body } = checked.value;
  const ran = await runChecksOnBase(job, base, writes, record.checks);
  if (ran.kind === "interrupted")
    return {
      kind: "stop",
      landing: {
        ...resultFields(r),
        end: { kind: "interrupted", reason: "stopped while the checks ran on the base commit" },
      },
    };
  if (ran.kind === "setup-failed")
    return {
      kind: "stop",
      landing: { ...resultFields(r), end: { kind: "blocked", reason: ran.reason }, reason: ran.reason },
    };
  const problem = redBeforeGreenProblem(ran.onBase);
  if (problem)
    return {
      kind: "stop",
      landing: failedLanding(
        job,
        r,
        `${problem}. Write at least one check that fails on the base commit now and passes once the plan is carried out (a check that passes already may stay, as a regression check).`,
        "rejected",
      ),
    };
  const acceptanceFiles = new Set(
    writes.map((w) => w.rel).filter((rel) => rel.startsWith(`.fleet/acceptance/${id}/`)),
  );
  const committed = await committedPaths(job.repo.root, base);
  const weak = weakChecks(id, record.checks, acceptanceFiles, (p) => committed.has(p));
  const stamped = stringifyFrontmatter({ ...record, on_base: ran.onBase }, body, LAYOUT.acceptance);
  const lines = [
    ...ran.onBase.fail.map((c) => `- ${c}: fails on the base commit (evidence of the new work)`),
    ...ran.onBase.pass.map((c) => `- ${c}: passes on the base commit already (a regression check)`),
    ...weak.map((w) => `- ${w.id} is WEAK: ${w.why}`),
  ];
  return {
    kind: "propose",
    writes: writes.map((w) => (w.rel === accRel ? { rel: w.rel, content: stamped } : w)),
    warning: checksWarning(weak, ran.onBase),
    details: `## Acceptance checks on the base commit ${base.slice(0, 12)}\n\n${lines.join("\n")}\n`,
  };
}
