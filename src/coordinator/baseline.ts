/**
 * Baseline before blame (rules in `src/lifecycle/baseline.ts`): before a task's first implement
 * attempt, its implement gates other than acceptance and reviewers run once on the commit the work
 * starts from, in a clean checkout like any gate run. Red there → the task is blocked as a set-up
 * problem and the implementer does not run. A pass is remembered under
 * `<git-common-dir>/fleet/cache/baseline/<key>.json`, keyed by the code the gates see, `setup` and the
 * gate definitions (see `baselineKey`), so the next task on the same code does not pay for it again;
 * a red baseline is never remembered (it runs again once a person says the gate is fixed). A forged
 * pass there only skips this courtesy check: the gates still judge every candidate.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { runGates } from "../gates/run-gates.js";
import { git } from "../git/run-git.js";
import { baselineGates, baselineKey, baselineReason } from "../lifecycle/baseline.js";
import { writeFileAtomically } from "../store/atomic-write.js";
import { runtimePaths } from "../store/paths.js";
import { gatesOf } from "./implement-gates.js";
import type { Job, Landing } from "./job.js";

/**
 * Runs the baseline of `job`'s implement gates on `start` (a full sha).
 * @returns null when every baseline gate passed there (or none applies); else the landing that blocks
 *   the task, with the gates' results and the reason (`gate \`test\` fails on \`main\` … with no change`).
 * @throws GitError when git fails unexpectedly.
 */
export async function baselineLanding(job: Job, start: string): Promise<Landing | null> {
  const gates = gatesOf(job);
  const names = baselineGates(job.config.gates.implement, gates);
  if (names.length === 0) return null;
  const top = await git(["ls-tree", "-z", start], { cwd: job.repo.root });
  const codeTree = top.stdout
    .split("\0")
    .filter((e) => e !== "" && !e.endsWith("\t.fleet"))
    .join("\n");
  const key = baselineKey(
    codeTree,
    job.config.setup,
    names.map((name) => ({ name, gate: gates.get(name) as NonNullable<ReturnType<typeof gates.get>> })),
  );
  const passFile = path.join(runtimePaths(job.repo.commonDir).cache, "baseline", `${key}.json`);
  if (existsSync(passFile)) return null;
  job.emit({
    event: "gating",
    detail: `baseline: ${names.join(", ")} on ${start.slice(0, 12)}, with no change`,
  });
  const report = await runGates({
    repo: job.repo,
    taskId: job.task.id,
    names,
    config: job.config,
    gates,
    candidate: start,
    base: start,
    asIs: true,
    label: `${String(job.seq).padStart(3, "0")}-baseline`,
    parentEnv: job.env,
    signal: job.signal,
    onSpawn: (pgid) => job.onSpawn(pgid),
  });
  if (report.outcome === "interrupted" || job.signal.aborted)
    return {
      end: { kind: "interrupted", reason: "stopped during the baseline gates" },
      gates: report.results,
    };
  if (report.outcome === "passed") {
    await writeFileAtomically(passFile, `${JSON.stringify({ commit: start, gates: names })}\n`);
    return null;
  }
  const red = report.results.find((r) => r.verdict !== "pass" && r.verdict !== "skipped");
  const reason = baselineReason(
    red?.gate ?? names[0] ?? "?",
    job.config.base,
    start,
    red?.verdict === "error",
  );
  return {
    end: { kind: "blocked", reason },
    reason,
    gates: report.results,
    runBody: `## Blocked before the first attempt\n\n${reason}.\n\nThe implement gates ran on the commit the work starts from, with no change at all, and did not pass: the gate or the project needs fixing, not the change. No attempt was used.\n\n${report.feedback ?? report.reason ?? ""}\n`,
  };
}
