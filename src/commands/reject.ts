/** `fleet reject <id> -m "…"`: a person sends a plan back to the planner with the reason. */
import { FleetError } from "../errors.js";
import { rejectPlan } from "../lifecycle/person-actions.js";
import { planPath, taskPath } from "../store/paths.js";
import type { Problem } from "../store/read-file.js";
import { readPlan } from "../store/read-records.js";
import { withStateLock } from "../store/state-lock.js";
import { writePlan, writeTask } from "../store/write-records.js";
import { type ChangeResult, changeResult, commitChange, loadTask, personContext } from "./person-context.js";

/** Options of {@link reject}. */
export interface RejectOptions {
  cwd: string;
  id: string;
  reason: string;
  now?: Date;
}

/**
 * `plan / awaiting-approval` → `plan / ready`; the plan records `rejection: {by, at, reason}` (the planner
 * reads it on its next attempt) and loses any approval. One commit, event `rejected`, the reason as body.
 * @throws FleetError conflict (no plan waits), usage (empty reason), invalid (the plan file is broken).
 */
export async function reject(opts: RejectOptions): Promise<ChangeResult> {
  const ctx = await personContext(opts.cwd, opts.now);
  return withStateLock(ctx.repo.commonDir, async () => {
    const loaded = loadTask(ctx.paths, opts.id);
    const before = loaded.record;
    const problems: Problem[] = [];
    const plan = readPlan(ctx.paths, before.id, problems);
    if (problems.length > 0) {
      const lines = problems.map((p) => `  ${p.file}${p.field ? ` (${p.field})` : ""}: ${p.message}`);
      throw new FleetError(
        "invalid",
        `cannot reject ${before.id}: its plan does not validate:\n${lines.join("\n")}`,
        {
          hint: "Fix the file, then run the command again.",
        },
      );
    }
    const planRecord = plan?.record ?? {
      task: before.id,
      base_commit: null,
      agent: null,
      run: null,
      approval: null,
      rejection: null,
      ship_approval: null,
    };
    const next = rejectPlan(before, planRecord, opts.reason, ctx.by, ctx.now);
    await writePlan(ctx.paths, next.plan, plan?.body ?? "");
    await writeTask(ctx.paths, next.task, loaded.body);
    const commit = await commitChange(
      ctx,
      { task: before.id, phase: "plan", event: "rejected", title: before.title, body: opts.reason.trim() },
      [taskPath(ctx.paths, before.id), planPath(ctx.paths, before.id)],
    );
    return changeResult(before, next.task, commit);
  });
}
