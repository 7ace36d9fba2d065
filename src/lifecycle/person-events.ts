/**
 * Which task states a person must hear about, pure: a task that has just come to wait for a person
 * (a plan or a held change to approve, a question, a set-up problem), run out of attempts, or shipped.
 * No I/O, no clock.
 */
import type { NotifyEventKind } from "../store/schemas/notify.js";
import type { Task } from "../store/schemas/task.js";

/** A notification's content. `next`: the command that moves the task on, or null. */
export interface PersonEvent {
  kind: NotifyEventKind;
  /** One line for people: what happened and what it needs. */
  message: string;
  next: string | null;
}

/** The state key a notifier compares: `phase/status`, plus the question so a second question counts. */
export function stateKey(
  t: Pick<Task, "phase" | "status" | "question"> & { review_branch?: { gone: string | null } | null },
): string {
  return `${t.phase}/${t.status}/${t.question ?? ""}${t.review_branch?.gone ? "/gone" : ""}`;
}

/** The event of `task` having come to its current state, or null when that is nothing a person needs to hear. */
export function personEvent(task: Task): PersonEvent | null {
  const name = `${task.id} (${task.title})`;
  if (task.status === "awaiting-approval") {
    return task.phase === "ship"
      ? {
          kind: "awaiting-approval",
          message: `${name}: a change waits for your approval before ship`,
          next: `fleet approve ${task.id}`,
        }
      : {
          kind: "awaiting-approval",
          message: `${name}: a plan waits for your review`,
          next: `fleet show ${task.id}`,
        };
  }
  if (task.status === "awaiting-merge") {
    const r = task.review_branch;
    const branch = r?.branch ?? `fleet/${task.id}`;
    const where = r?.remote ? ` on ${r.remote}` : "";
    return r?.gone
      ? {
          kind: "awaiting-merge",
          message: `${name}: ${branch} is gone${r.remote ? ` from ${r.remote}` : ""} and was not merged`,
          next: `fleet retry ${task.id}`,
        }
      : {
          kind: "awaiting-merge",
          message: `${name}: ${branch}${where} waits for your review and merge${r?.pr ? ` (${r.pr})` : ""}`,
          next: `fleet show ${task.id}`,
        };
  }
  if (task.status === "blocked" && task.question) {
    return {
      kind: "question",
      message: `${name} asks: ${task.question}`,
      next: `fleet answer ${task.id} "…"`,
    };
  }
  if (task.status === "blocked") {
    return {
      kind: "blocked",
      message: `${name} is blocked: ${task.reason ?? "see fleet show"}`,
      next: `fleet show ${task.id}`,
    };
  }
  if (task.status === "failed") {
    return {
      kind: "failed",
      message: `${name} failed in ${task.phase}: ${task.reason ?? "out of attempts"}`,
      next: `fleet retry ${task.id}`,
    };
  }
  if (task.phase === "done" && task.shipped) {
    return { kind: "shipped", message: `${name} shipped as ${task.shipped.commit.slice(0, 10)}`, next: null };
  }
  return null;
}
