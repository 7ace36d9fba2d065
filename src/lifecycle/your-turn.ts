/**
 * "Your turn": which tasks wait for a person rather than for the fleet, what each waits for, and the
 * exact commands that move it on. One rule for every place that tells a person (the end of `fleet run`,
 * `fleet watch`'s counts and event lines, `fleet show`, the commands that leave a task waiting). Pure.
 */
import type { ReviewBranch } from "../store/schemas/review-branch.js";
import type { Task } from "../store/schemas/task.js";

/** What a task waits for from a person, and the commands that answer it (first = the usual one). */
export interface YourTurn {
  /** One line: "a plan to approve", "a question: …", "out of attempts: …". */
  waitsFor: string;
  /** Full command lines, e.g. `fleet approve add-greet`. */
  commands: string[];
  /** The usual next step when it is not a fleet command (`review and merge fleet/<id>`), else absent. */
  step?: string;
}

/** What {@link yourTurn} reads of a review branch (`ship / awaiting-merge`). */
export type ReviewBranchView = Pick<ReviewBranch, "branch" | "remote" | "pr" | "gone">;

/** Quotes an id for a shell only when it needs it (ids are `[a-z0-9-]`, so normally never). */
const q = (id: string) => (/^[a-z0-9][a-z0-9-]*$/.test(id) ? id : JSON.stringify(id));

/**
 * What `task` waits for from a person, or null when it waits for nothing a person must do (running,
 * ready, a dependency, done, dropped — and drafts, which a person finishes in their own time).
 * `ship / awaiting-merge`: review and merge the branch (or, once it is gone unmerged, retry or drop).
 */
export function yourTurn(
  task: Pick<Task, "id" | "phase" | "status" | "question" | "reason"> & {
    review_branch?: ReviewBranchView | null;
  },
): YourTurn | null {
  const id = q(task.id);
  if (task.status === "awaiting-merge") {
    const r = task.review_branch;
    const branch = r?.branch ?? `fleet/${task.id}`;
    const where = r?.remote ? ` on ${r.remote}` : "";
    if (r?.gone)
      return {
        waitsFor: `${branch} is gone${r.remote ? ` from ${r.remote}` : ""} and was not merged`,
        commands: [`fleet retry ${id}`, `fleet drop ${id} -m "…"`],
      };
    return {
      waitsFor: `a change to review and merge: ${branch}${where}${r?.pr ? ` (${r.pr})` : ""}`,
      commands: [`fleet show ${id}`, `fleet drop ${id} -m "…"`],
      step: `review and merge ${branch}`,
    };
  }
  if (task.status === "awaiting-approval") {
    if (task.phase === "plan")
      return {
        waitsFor: "a plan to review",
        commands: [`fleet show ${id}`, `fleet approve ${id}`, `fleet reject ${id} -m "…"`],
      };
    return {
      waitsFor: "a change held for approval before it ships",
      commands: [`fleet show ${id}`, `fleet approve ${id}`, `fleet drop ${id} -m "…"`],
    };
  }
  if (task.status === "blocked") {
    if (task.question !== null)
      return { waitsFor: `a question: ${oneLine(task.question)}`, commands: [`fleet answer ${id} "…"`] };
    return {
      waitsFor: `a problem to fix: ${oneLine(task.reason ?? "(no reason given)")}`,
      commands: [`fleet ready ${id}`, `fleet drop ${id} -m "…"`],
    };
  }
  if (task.status === "failed")
    return {
      waitsFor: `out of attempts: ${oneLine(task.reason ?? "(no reason given)")}`,
      commands: [`fleet show ${id}`, `fleet retry ${id}`, `fleet drop ${id} -m "…"`],
    };
  return null;
}

/** The first line of `text`, at most 160 characters. */
function oneLine(text: string): string {
  const line = text.trim().split("\n")[0] ?? "";
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}

/** `your turn: fleet approve <id>` — the hint a command or an event line ends with, or null. */
export function nextCommandHint(task: Parameters<typeof yourTurn>[0]): string | null {
  const turn = yourTurn(task);
  if (!turn) return null;
  const main = turn.step ?? turn.commands.find((c) => !c.startsWith("fleet show")) ?? turn.commands[0];
  return `your turn: ${main}`;
}
