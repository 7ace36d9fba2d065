/**
 * `fleet approve <id>`: a person approves the plan (bound to the content hash of plan + acceptance), or
 * lets a change held before ship go ahead.
 */
import path from "node:path";
import { FleetError } from "../errors.js";
import { awaitChildren } from "../lifecycle/children.js";
import { approvePlan, approveShip, describeState } from "../lifecycle/person-actions.js";
import { writeFileAtomically } from "../store/atomic-write.js";
import { childTaskFiles } from "../store/child-task-files.js";
import {
  acceptanceFilesDir,
  acceptancePath,
  childrenDir,
  type FleetPaths,
  planPath,
  relativeToRoot,
  taskPath,
} from "../store/paths.js";
import { readChildren } from "../store/read-children.js";
import type { Loaded } from "../store/read-file.js";
import type { Plan } from "../store/schemas/artifacts.js";
import { withStateLock } from "../store/state-lock.js";
import { writePlan, writeTask } from "../store/write-records.js";
import { type ApprovalInputs, readApprovalInputs } from "./approval-inputs.js";
import { checkHygiene } from "./check-hygiene.js";
import { type ChangeResult, changeResult, commitChange, loadTask, personContext } from "./person-context.js";

/** Options of {@link approve}. */
export interface ApproveOptions {
  cwd: string;
  id: string;
  /**
   * The approval hash the person read (e.g. shown on the board's page). When set and the plan's current
   * hash differs, nothing is approved: the plan changed since it was read.
   */
  expectSha256?: string;
  now?: Date;
  /** Approve a plan even though some of its checks are weak (`--yes`). */
  yes?: boolean;
}

/** What was approved: `plan` or `ship`, the approval hash recorded, and the weak checks approved anyway. */
export interface ApproveResult extends ChangeResult {
  approved: "plan" | "ship";
  sha256: string;
  /** Ids of weak checks approved with `yes` ([] for a ship approval). */
  weak: string[];
  /** Ids of the child tasks a fanned-out plan became ([] when it proposed none). */
  children: string[];
}

/** The children proposed beside the plan of `id`, validated again (a person may have edited them). */
function proposedChildren(paths: FleetPaths, id: string) {
  const dir = childrenDir(paths, id);
  const read = readChildren(dir, relativeToRoot(paths.root, dir));
  if (!read.ok) {
    const lines = read.problems.map((p) => `  ${p.file}${p.field ? ` (${p.field})` : ""}: ${p.message}`);
    throw new FleetError(
      "invalid",
      `cannot approve ${id}: its child task files do not validate:\n${lines.join("\n")}`,
      {
        hint: `Fix them (or \`fleet reject ${id} -m "…"\` to have the planner redo the decomposition), then approve again.`,
      },
    );
  }
  return read.proposals;
}

/** The plan and acceptance that an approval needs, with their hash; refuses when either is missing or broken. */
function approvable(
  paths: FleetPaths,
  id: string,
): { plan: Loaded<Plan>; sha256: string; inputs: ApprovalInputs } {
  const inputs = readApprovalInputs(paths, id);
  if (inputs.problems.length > 0) {
    const lines = inputs.problems.map((p) => `  ${p.file}${p.field ? ` (${p.field})` : ""}: ${p.message}`);
    throw new FleetError(
      "invalid",
      `cannot approve ${id}: its plan files do not validate:\n${lines.join("\n")}`,
      {
        hint: `Fix them (or \`fleet reject ${id} -m "…"\` to have the planner redo them), then approve again.`,
      },
    );
  }
  if (!inputs.plan) {
    throw new FleetError("conflict", `nothing to approve: .fleet/plans/${id}.md does not exist`, {
      hint: "The planner writes it; `fleet show` tells where the task is.",
    });
  }
  if (!inputs.acceptance || inputs.sha256 === null) {
    throw new FleetError(
      "conflict",
      `nothing to approve: .fleet/acceptance/${id}.md does not exist, and a plan is approved together with its acceptance checks`,
      { hint: `Add the checks by hand, or \`fleet reject ${id} -m "write acceptance checks"\`.` },
    );
  }
  return { plan: inputs.plan, sha256: inputs.sha256, inputs };
}

/**
 * At `plan / awaiting-approval`: records `approval: {by, at, sha256}` in `plans/<id>.md` and moves the task
 * to `implement / ready`; the commit carries the task, plan and acceptance files. At
 * `ship / awaiting-approval`: records `ship_approval` and moves it to `ship / ready`. One commit, event
 * `approved`. In implement or ship, a plan changed after its approval is approved again in place.
 * A plan with weak checks (see check-hygiene.ts) is approved only with `yes`.
 * @throws FleetError("conflict") when nothing waits for approval (or the plan/acceptance is missing,
 *   `expectSha256` is not the current hash, or a check is weak and `yes` is not set),
 *   FleetError("invalid") when they do not validate, not-found for an unknown task.
 */
export async function approve(opts: ApproveOptions): Promise<ApproveResult> {
  const ctx = await personContext(opts.cwd, opts.now);
  return withStateLock(ctx.repo.commonDir, async () => {
    const loaded = loadTask(ctx.paths, opts.id);
    const before = loaded.record;
    const id = before.id;
    const ship = before.phase === "ship" && before.status === "awaiting-approval";
    const waits = ship || (before.phase === "plan" && before.status === "awaiting-approval");
    if (!waits && before.phase !== "implement" && before.phase !== "ship") {
      throw new FleetError("conflict", `nothing to approve: ${id} is ${describeState(before)}`, {
        hint: "A plan is approved at `plan / awaiting-approval`, a ship hold at `ship / awaiting-approval`.",
      });
    }
    const { plan, sha256, inputs } = approvable(ctx.paths, id);
    if (opts.expectSha256 !== undefined && opts.expectSha256 !== sha256) {
      throw new FleetError(
        "conflict",
        `not approved: the plan of ${id} changed since you read it (you read sha256 ${opts.expectSha256.slice(0, 12)}…, it is now ${sha256.slice(0, 12)}…)`,
        { hint: `Read it again (\`fleet show ${id}\`, or reload the board), then approve what you read.` },
      );
    }
    const weak = ship ? [] : (await checkHygiene(ctx.repo.root, id, inputs, before.base_commit)).weak;
    if (weak.length > 0 && !opts.yes) {
      throw new FleetError(
        "conflict",
        `not approved: ${id} has weak acceptance checks, which can pass whatever the change does:\n${weak.map((w) => `  ${w.id}: ${w.why}`).join("\n")}`,
        {
          hint: `Approve anyway with \`fleet approve ${id} --yes\`, or \`fleet reject ${id} -m "make ${weak.map((w) => w.id).join(", ")} run a file of .fleet/acceptance/${id}/"\`.`,
        },
      );
    }
    const next = ship
      ? approveShip(before, plan.record, sha256, ctx.by, ctx.now)
      : approvePlan(before, plan.record, sha256, ctx.by, ctx.now);
    // Approving a fanned-out plan approves its decomposition: the children become tasks now.
    const fanOut = !ship && before.phase === "plan" ? proposedChildren(ctx.paths, id) : [];
    const spawned =
      fanOut.length > 0 ? childTaskFiles(ctx.paths, before, fanOut, new Date(Date.parse(ctx.now))) : [];
    if (spawned.length > 0) next.task = awaitChildren(next.task, ctx.now);
    await writePlan(ctx.paths, next.plan, plan.body);
    for (const child of spawned)
      await writeFileAtomically(path.join(ctx.paths.root, child.rel), child.content);
    await writeTask(ctx.paths, next.task, loaded.body);
    const files = [taskPath(ctx.paths, id), planPath(ctx.paths, id)];
    if (!ship)
      files.push(
        acceptancePath(ctx.paths, id),
        acceptanceFilesDir(ctx.paths, id),
        planPath(ctx.paths, id).slice(0, -".md".length),
        ...spawned.map((c) => path.join(ctx.paths.root, c.rel)),
      );
    const commit = await commitChange(
      ctx,
      {
        task: id,
        phase: ship ? "ship" : "plan",
        event: "approved",
        title: before.title,
        body: `${ship ? "Ship" : "Plan"} approved, sha256 ${sha256}${weak.length ? `\nApproved with weak checks (--yes): ${weak.map((w) => w.id).join(", ")}` : ""}${spawned.length ? `\nChild tasks: ${spawned.map((c) => c.task.id).join(", ")}` : ""}`,
      },
      files,
    );
    return {
      ...changeResult(before, next.task, commit),
      approved: ship ? "ship" : "plan",
      sha256,
      weak: weak.map((w) => w.id),
      children: spawned.map((c) => c.task.id),
    };
  });
}
