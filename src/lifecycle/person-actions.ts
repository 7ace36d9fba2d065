/**
 * What a person's commands do to a task, as pure functions: given the records and `now`, return the
 * new records, or throw FleetError("conflict") when the task's phase/status does not allow the action
 * (AGENTS.md, "The lifecycle as implemented"). No I/O, no clock: `now` is an ISO timestamp passed in.
 */
import { FleetError } from "../errors.js";
import type { Plan } from "../store/schemas/artifacts.js";
import type { Task } from "../store/schemas/task.js";

/** `plan / awaiting-approval`: how a task's place in the lifecycle is shown to people. */
export function describeState(task: Pick<Task, "phase" | "status">): string {
  return `${task.phase} / ${task.status}`;
}

/** True for `done` and `dropped`, where nothing happens any more. */
export function isTerminal(task: Pick<Task, "phase">): boolean {
  return task.phase === "done" || task.phase === "dropped";
}

function conflict(task: Task, wants: string, hint?: string): never {
  throw new FleetError("conflict", `${task.id} is ${describeState(task)}: ${wants}`, hint ? { hint } : {});
}

/**
 * `fleet ready`: an idea a person has finished writing (`idea / draft` → `idea / ready`), or a task
 * blocked by a setup problem a person has fixed (`<phase> / blocked` without a question → `<phase> / ready`).
 * Fills `created` for a hand-dropped file that had none.
 * @throws FleetError("conflict") in any other state.
 */
export function markReady(task: Task, now: string): Task {
  if (task.status === "blocked" && task.question !== null) {
    conflict(task, "it waits for an answer to its question", `Run \`fleet answer ${task.id} "…"\`.`);
  }
  if (task.status === "blocked") {
    return { ...task, status: "ready", reason: null, created: task.created ?? now, updated: now };
  }
  if (task.phase !== "idea") conflict(task, "only ideas (or blocked tasks) can be marked ready");
  if (task.status === "ready") conflict(task, "it is already ready");
  return { ...task, status: "ready", reason: null, created: task.created ?? now, updated: now };
}

/**
 * `fleet approve` on a plan: `plan / awaiting-approval` → `implement / ready`, and the plan records
 * `approval: { by, at, sha256 }` where `sha256` is the approval hash of plan + acceptance.
 * A plan changed after its approval (in implement or ship, the recorded hash no longer matching `sha256`)
 * is re-approved in place: the approval is recorded again, the task's phase and status stay.
 * @throws FleetError("conflict") when there is no plan waiting for approval and no voided approval.
 */
export function approvePlan(
  task: Task,
  plan: Plan,
  sha256: string,
  by: string,
  now: string,
): { task: Task; plan: Plan } {
  const approval = { by, at: now, sha256 };
  if (task.phase === "plan" && task.status === "awaiting-approval") {
    return {
      task: { ...task, phase: "implement", status: "ready", reason: null, updated: now },
      plan: { ...plan, approval },
    };
  }
  const voided = plan.approval !== null && plan.approval.sha256 !== sha256;
  if ((task.phase === "implement" || task.phase === "ship") && voided) {
    return { task: { ...task, updated: now }, plan: { ...plan, approval } };
  }
  if (task.phase === "implement" || task.phase === "ship") {
    conflict(task, "nothing to approve: its plan approval still holds");
  }
  return conflict(
    task,
    "nothing to approve: no plan waits for approval",
    task.phase === "plan"
      ? "Wait for the planner to propose a plan (`fleet show` says where it is)."
      : undefined,
  );
}

/**
 * `fleet approve` on a ship hold: `ship / awaiting-approval` → `ship / ready`, recording
 * `ship_approval: { by, at, sha256 }` in the plan (the same plan + acceptance hash).
 * @throws FleetError("conflict") when the task is not held before ship.
 */
export function approveShip(
  task: Task,
  plan: Plan,
  sha256: string,
  by: string,
  now: string,
): { task: Task; plan: Plan } {
  if (task.phase !== "ship" || task.status !== "awaiting-approval") {
    conflict(task, "it is not waiting for a ship approval");
  }
  return {
    task: { ...task, status: "ready", reason: null, updated: now },
    plan: { ...plan, ship_approval: { by, at: now, sha256 } },
  };
}

/**
 * `fleet reject -m`: `plan / awaiting-approval` → `plan / ready` (the planner runs again and sees the
 * reason); the plan records `rejection: { by, at, reason }` and loses any approval.
 * @throws FleetError("conflict") when no plan waits for approval; FleetError("usage") for an empty reason.
 */
export function rejectPlan(
  task: Task,
  plan: Plan,
  reason: string,
  by: string,
  now: string,
): { task: Task; plan: Plan } {
  if (reason.trim() === "") {
    throw new FleetError("usage", "a rejection needs a reason", { hint: `fleet reject ${task.id} -m "why"` });
  }
  if (task.phase !== "plan" || task.status !== "awaiting-approval") {
    conflict(
      task,
      "there is no plan waiting for approval to reject",
      `To stop it, run \`fleet drop ${task.id} -m "…"\`.`,
    );
  }
  return {
    task: { ...task, status: "ready", reason: null, updated: now },
    plan: { ...plan, approval: null, rejection: { by, at: now, reason: reason.trim() } },
  };
}

/**
 * `fleet answer`: a task blocked on a question goes back to `ready` in the same phase; the question and
 * answer are appended to `answers` (the agent sees them next time) and `question` is cleared.
 * @throws FleetError("conflict") when the task has no open question; FleetError("usage") for an empty answer.
 */
export function answerQuestion(task: Task, answer: string, by: string, now: string): Task {
  if (answer.trim() === "") {
    throw new FleetError("usage", "the answer is empty", { hint: `fleet answer ${task.id} "your answer"` });
  }
  if (task.status !== "blocked" || task.question === null) {
    conflict(
      task,
      "it has no open question",
      task.status === "blocked"
        ? `It is blocked because: ${task.reason ?? "(no reason given)"}. Fix that, then run \`fleet ready ${task.id}\`.`
        : undefined,
    );
  }
  return {
    ...task,
    status: "ready",
    question: null,
    reason: null,
    answers: [...task.answers, { question: task.question, answer: answer.trim(), by, at: now }],
    updated: now,
  };
}

/**
 * `fleet drop -m`: any task that is not done or dropped → `dropped / ready`, with `reason`.
 * @throws FleetError("conflict") for a done or dropped task.
 */
export function dropTask(task: Task, reason: string, now: string): Task {
  if (reason.trim() === "") {
    throw new FleetError("usage", "dropping needs a reason", { hint: `fleet drop ${task.id} -m "why"` });
  }
  if (isTerminal(task)) conflict(task, "it is already finished");
  return { ...task, phase: "dropped", status: "ready", reason: reason.trim(), updated: now };
}

/** A task record with its markdown body. */
export interface TaskWithBody {
  task: Task;
  body: string;
}

/**
 * `fleet merge <source> --into <target>`: the source becomes `dropped` with `merged_into: target`; its
 * body is appended to the target's under a `## Merged from <id>: <title>` heading; every task in
 * `dependents` that depended on the source depends on the target instead (the target itself just
 * drops the dependency).
 * @returns the new source, target (with body) and the dependents that changed.
 * @throws FleetError("conflict") when either task is finished or they are the same task.
 */
export function mergeTask(
  source: TaskWithBody,
  target: TaskWithBody,
  dependents: readonly Task[],
  now: string,
): { source: Task; target: TaskWithBody; dependents: Task[] } {
  const s = source.task;
  const t = target.task;
  if (s.id === t.id) throw new FleetError("usage", `cannot merge ${s.id} into itself`);
  if (isTerminal(s)) conflict(s, "a finished task cannot be merged");
  if (isTerminal(t)) conflict(t, `cannot merge ${s.id} into a finished task`);
  const heading = `## Merged from ${s.id}: ${s.title}`;
  const sourceBody = source.body.trim();
  const base = target.body.replace(/\s+$/, "");
  const body = `${base === "" ? "" : `${base}\n\n`}${heading}\n${sourceBody === "" ? "" : `\n${sourceBody}\n`}`;
  const changed: Task[] = [];
  for (const d of dependents) {
    if (d.id === s.id || d.id === t.id || !d.depends_on.includes(s.id)) continue;
    const deps = d.depends_on.map((x) => (x === s.id ? t.id : x)).filter((x, i, all) => all.indexOf(x) === i);
    changed.push({ ...d, depends_on: deps.filter((x) => x !== d.id), updated: now });
  }
  return {
    source: {
      ...s,
      phase: "dropped",
      status: "ready",
      merged_into: t.id,
      reason: `merged into ${t.id}`,
      updated: now,
    },
    target: { task: { ...t, depends_on: t.depends_on.filter((x) => x !== s.id), updated: now }, body },
    dependents: changed,
  };
}

/**
 * `fleet retry`: a failed task → `ready` in the same phase, with that phase's attempts reset to 0. A task
 * at `ship / awaiting-merge` → `ship / ready` too: the ship runs again and pushes its branch anew (after a
 * person deleted it unmerged, say).
 * @throws FleetError("conflict") when the task has neither failed nor awaits a merge.
 */
export function retryTask(task: Task, now: string): Task {
  if (task.status !== "failed" && task.status !== "awaiting-merge")
    conflict(task, "only failed tasks (or a branch that awaits its merge) can be retried");
  return {
    ...task,
    status: "ready",
    reason: null,
    attempts: { ...task.attempts, [task.phase]: 0 },
    updated: now,
  };
}
