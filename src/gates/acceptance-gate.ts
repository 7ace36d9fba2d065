/**
 * `kind: acceptance` — the checks written before the work started, as the person approved them. Every
 * check's `run` executes at the root of the candidate's clean checkout, with `.fleet/` restored from
 * the base commit before each check (so neither the candidate nor an earlier check can change what is
 * run); all must exit 0. A check whose test runner reports that it executed no test at all fails too
 * (`src/lifecycle/test-count.ts`): code under test that calls `process.exit(0)` does not pass it.
 * Every check runs, so the feedback names each one that failed.
 */
import { ranNoTests } from "../lifecycle/test-count.js";
import { fleetPaths, relativeToRoot } from "../store/paths.js";
import { readAcceptance } from "../store/read-records.js";
import type { Gate } from "../store/schemas/gate.js";
import { restoreFleetDir } from "./checkout.js";
import { describeEnd, outputExcerpt } from "./feedback.js";
import { inCheckout, runShell, succeeded } from "./shell.js";
import type { GateContext, GateOutcome } from "./types.js";

type AcceptanceGate = Extract<Gate, { kind: "acceptance" }>;

/**
 * Runs every check of `.fleet/acceptance/<task>.md` from the base commit. Each check gets the gate's
 * timeout (ms). A missing or invalid acceptance file is an `error` (a person must fix it), not a fail.
 */
export async function runAcceptanceGate(gate: AcceptanceGate, ctx: GateContext): Promise<GateOutcome> {
  await restoreFleetDir(ctx.checkout, ctx.fleetCommit);
  const paths = fleetPaths(ctx.checkout.dir);
  const problems: { file: string; field: string | null; message: string }[] = [];
  const acceptance = readAcceptance(paths, ctx.taskId, problems);
  if (!acceptance) {
    const why = problems.length
      ? problems.map((p) => `${p.file}${p.field ? ` (${p.field})` : ""}: ${p.message}`).join("; ")
      : `.fleet/acceptance/${ctx.taskId}.md does not exist at ${ctx.fleetCommit.slice(0, 12)} (the base branch)`;
    return { verdict: "error", exitCode: null, command: null, output: why, feedback: why };
  }
  const failures: string[] = [];
  const failedIds: string[] = [];
  const summary: string[] = [];
  let output = "";
  let firstExit: number | null = 0;
  for (const check of acceptance.record.checks) {
    await restoreFleetDir(ctx.checkout, ctx.fleetCommit);
    const result = await runShell(inCheckout(ctx, check.run, gate.timeout));
    const empty = succeeded(result) && ranNoTests(result.output);
    const ok = succeeded(result) && !empty;
    summary.push(`${ok ? "pass" : "FAIL"} ${check.id}: ${check.says}`);
    output += `\n== ${check.id}: ${check.run}\n${result.output}`;
    if (!ok) {
      if (failures.length === 0) firstExit = result.exitCode;
      failedIds.push(check.id);
      failures.push(
        `Acceptance check ${check.id} failed — ${check.says}\n\`${check.run}\` ${empty ? "exited 0, but its test runner reports that no test ran (did the code under test end the process early?)" : describeEnd(result, gate.timeout)}.\n\n${outputExcerpt(result.output, 40, 3_000)}`,
      );
    }
    if (ctx.signal?.aborted) break;
  }
  const file = relativeToRoot(ctx.checkout.dir, `${paths.acceptance}/${ctx.taskId}.md`);
  return {
    verdict: failures.length === 0 ? "pass" : "fail",
    ...(failedIds.length
      ? { summary: `check${failedIds.length > 1 ? "s" : ""} ${failedIds.join(", ")} of ${file} did not pass` }
      : {}),
    exitCode: firstExit,
    command: file,
    output: `${output.trim()}\n\n${summary.join("\n")}`,
    feedback:
      failures.length === 0
        ? null
        : `Gate \`${ctx.gateName}\` failed: ${failures.length} of ${acceptance.record.checks.length} checks in ${file} did not pass (the checks are fixed; change the code, not them).\n\n${failures.join("\n\n")}`,
  };
}
