/**
 * The integration check of a fanned-out task (design.md §5): once every child is `done`, the parent's
 * own acceptance checks run on the tip of the base branch — a clean checkout of it, after `setup`, in the
 * gates' sandbox, each check with the acceptance gate's timeout and environment, the checks and their
 * files as that commit holds them (what judges comes from a commit). Under `review.plan: person` the
 * parent's plan approval is checked at that commit first.
 *
 * Pass: the parent is `done` (`shipped.already`: the base holds the whole through its children). Fail:
 * an implement attempt of the parent is spent and it goes to `implement / ready` with the failure as
 * feedback — its own implementer finishes the integration — or `failed` at `max_attempts`. A run record
 * (`runs/<id>/<seq>-implement.md`, gates named `integration:<check>`) and one audit commit, event
 * `integrated`, `retrying` or `failed`. Not a claimed job: a crash mid-check leaves the parent waiting,
 * and the next reconcile runs the check again.
 */
import path from "node:path";
import { createCheckout, removeCheckout, runSetup } from "../gates/checkout.js";
import { gateNetwork, gateSpec } from "../gates/run-gates.js";
import { gateEnv, runShell, succeeded, tailLines } from "../gates/shell.js";
import { commitFleet } from "../git/commit-fleet.js";
import { planApprovedAutomatically } from "../lifecycle/children.js";
import { ranNoTests } from "../lifecycle/test-count.js";
import { fleetPaths, relativeToRoot, runtimePaths, taskPath } from "../store/paths.js";
import { readAcceptance } from "../store/read-records.js";
import { readTask } from "../store/read-tasks.js";
import { nowTimestamp } from "../store/schemas/common.js";
import type { GateResult } from "../store/schemas/run.js";
import type { Task } from "../store/schemas/task.js";
import { withStateLock } from "../store/state-lock.js";
import { writeRun, writeTask } from "../store/write-records.js";
import { approvalProblemAt } from "./approval-at-commit.js";
import { lockTask } from "./claims.js";
import type { CoordinatorContext } from "./context.js";
import { branchTip, type Definitions } from "./definitions.js";
import { finishedRun, lastRunNumbers, runRel, startedRun } from "./run-records.js";
import { jobSandbox } from "./sandbox.js";

/** How one integration check ended: the checks' verdicts, or why they could not be judged. */
type Verdict =
  | { kind: "ran"; gates: GateResult[] }
  | { kind: "blocked"; reason: string }
  | { kind: "stopped" };

function isWaiting(t: Task | undefined): boolean {
  return t?.phase === "implement" && t.status === "waiting-children";
}

/** Runs the parent's checks at `tip` (a full sha). */
async function runChecks(
  ctx: CoordinatorContext,
  parent: Task,
  tip: string,
  defs: Definitions,
  seq: number,
  signal: AbortSignal,
): Promise<Verdict> {
  const { repo } = ctx;
  const { config } = defs;
  if (!planApprovedAutomatically(parent, config.review)) {
    const problem = await approvalProblemAt(repo, tip, parent.id);
    if (problem) return { kind: "blocked", reason: problem.reason };
  }
  const sandbox = jobSandbox(repo, config, ctx.env);
  if (sandbox.mode === "unavailable") return { kind: "blocked", reason: `${sandbox.reason}. ${sandbox.fix}` };
  const gate = defs.gates.get("acceptance")?.record;
  const logFile = path.join(
    runtimePaths(repo.commonDir).logs,
    parent.id,
    `${String(seq).padStart(3, "0")}-integration.log`,
  );
  const shell = {
    env: gateEnv(ctx.env, { ...(gate?.env ?? {}), FLEET_TASK_ID: parent.id }),
    logFile,
    timeoutMs: gate?.timeout ?? 10 * 60_000,
    signal,
  };
  const checkout = await createCheckout(repo, parent.id, tip);
  try {
    // Read before anything of the project runs in the checkout.
    const acceptance = readAcceptance(fleetPaths(checkout.dir), parent.id);
    if (!acceptance)
      return {
        kind: "blocked",
        reason: `.fleet/acceptance/${parent.id}.md is missing or invalid at ${tip.slice(0, 12)}`,
      };
    const spec = (network: "none" | "host") => gateSpec(sandbox, repo, checkout.dir, network);
    if (config.setup) {
      const done = await runSetup(checkout, config.setup, {
        ...shell,
        timeoutMs: 30 * 60_000,
        sandbox: spec("host"),
      });
      if (signal.aborted) return { kind: "stopped" };
      if (!succeeded(done))
        return {
          kind: "blocked",
          reason: `setup \`${config.setup}\` failed on the base tip ${tip.slice(0, 12)}`,
        };
    }
    const gates: GateResult[] = [];
    for (const check of acceptance.record.checks) {
      const r = await runShell({
        ...shell,
        command: check.run,
        cwd: checkout.dir,
        sandbox: spec(gate ? gateNetwork(gate) : "none"),
      });
      if (signal.aborted) return { kind: "stopped" };
      const passed = succeeded(r) && !ranNoTests(r.output);
      gates.push({
        gate: `integration:${check.id}`,
        kind: "acceptance",
        verdict: passed ? "pass" : "fail",
        exit_code: r.exitCode,
        duration_ms: r.durationMs,
        output_tail: tailLines(r.output),
        log: relativeToRoot(repo.commonDir, logFile),
      });
    }
    return { kind: "ran", gates };
  } finally {
    await removeCheckout(repo, checkout.dir);
  }
}

/**
 * Runs the integration check of `id` (which must still be `implement / waiting-children`) and lands
 * its verdict. `defs` are the definitions at the base tip.
 * @returns the audit event (`integrated`, `retrying`, `failed`, `blocked`), or null when nothing was
 *   landed (the task moved on, another holder has its lock, the daemon stopped).
 * @throws GitError/fs errors when the checkout or the commit fails (the parent stays waiting).
 */
export async function integrateParent(
  ctx: CoordinatorContext,
  id: string,
  defs: Definitions,
  signal: AbortSignal,
): Promise<string | null> {
  const { repo, paths } = ctx;
  const lock = await lockTask(repo.commonDir, id);
  if (!lock) return null;
  try {
    const read = readTask(paths, id);
    if (!read?.ok || !isWaiting(read.task.record)) return null;
    const parent = read.task.record;
    const tip = await branchTip(repo, defs.config.base);
    if (!tip) return null;
    const started = ctx.now();
    const last = lastRunNumbers(paths, id);
    const seq = last.seq + 1;
    const verdict = await runChecks(ctx, parent, tip, defs, seq, signal);
    if (verdict.kind === "stopped" || lock.compromised.aborted) return null;
    return await withStateLock(repo.commonDir, async () => {
      const fresh = readTask(paths, id);
      if (!fresh?.ok || !isWaiting(fresh.task.record)) return null;
      const task = fresh.task.record;
      const at = ctx.now();
      const now = nowTimestamp(at);
      const used = task.attempts.implement ?? 0;
      const run0 = startedRun({
        task: id,
        seq,
        phase: "implement",
        agent: null,
        runner: null,
        model: null,
        attempt: used + 1,
        epoch: last.epoch,
        started,
        log: relativeToRoot(repo.commonDir, path.join(runtimePaths(repo.commonDir).logs, id)),
        sandbox: defs.config.sandbox,
        definitions: defs.commit,
      });
      let next: Task;
      let event: string;
      let reason: string;
      let body = "";
      if (verdict.kind === "blocked") {
        next = { ...task, status: "blocked", reason: verdict.reason, updated: now };
        event = "blocked";
        reason = verdict.reason;
      } else {
        const failed = verdict.gates.filter((g) => g.verdict !== "pass");
        if (failed.length === 0) {
          next = {
            ...task,
            phase: "done",
            status: "ready",
            reason: null,
            shipped: { commit: tip, at: now, already: true },
            updated: now,
          };
          event = "integrated";
          reason = `every child is done and the ${verdict.gates.length} acceptance check(s) pass on ${tip.slice(0, 12)}`;
        } else {
          const out = used + 1 >= defs.config.max_attempts;
          reason = `the integration check failed on the base tip ${tip.slice(0, 12)}: ${failed.map((g) => g.gate.slice("integration:".length)).join(", ")}`;
          body = [
            "## Integration check failed",
            "",
            `Every child task is done, but these acceptance checks of ${id} fail on the base tip ${tip.slice(0, 12)}.`,
            "Make them pass: finish what the children left undone, without undoing their work.",
            "",
            ...failed.map(
              (g) => `### ${g.gate} (exit ${g.exit_code ?? "none"})\n\n\`\`\`\n${g.output_tail}\n\`\`\``,
            ),
            "",
          ].join("\n");
          next = {
            ...task,
            status: out ? "failed" : "ready",
            attempts: { ...task.attempts, implement: used + 1 },
            reason: out ? `implement failed ${used + 1} times; last: ${reason}` : reason,
            updated: now,
          };
          event = out ? "failed" : "retrying";
        }
      }
      const gates = verdict.kind === "ran" ? verdict.gates : [];
      const outcome = event === "integrated" ? "passed" : event === "blocked" ? "blocked" : "failed";
      const run = finishedRun(run0, at, { outcome, reason, gates, head_commit: tip });
      await writeRun(paths, run, body);
      await writeTask(paths, next, fresh.task.body);
      await commitFleet(repo, {
        event: { task: id, phase: "implement", event, title: task.title, run: seq, body: reason },
        paths: [runRel(paths, run), relativeToRoot(paths.root, taskPath(paths, id))],
      });
      ctx.emit({
        at,
        task: id,
        phase: "implement",
        agent: null,
        event,
        detail: `→ ${next.phase} / ${next.status} (${reason})`,
      });
      return event;
    });
  } finally {
    await lock.release().catch(() => {});
  }
}
