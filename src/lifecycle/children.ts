/**
 * Fan-out rules (design.md §5), pure: checking a decomposition a planner proposed, turning an approved
 * one into child tasks, and what a parent waiting in `implement / waiting-children` should do next.
 * No I/O and no clock: the caller reads files and passes `now` and the id minting function in.
 */
import type { ChildProposal } from "../store/schemas/child.js";
import type { Task } from "../store/schemas/task.js";

export type { ChildProposal };

/**
 * What is wrong with a set of proposals as a whole: a `depends_on` naming neither a sibling nor an
 * existing task, a child depending on itself or on its parent (which waits for it), or a cycle
 * among siblings. One message per problem,
 * each naming the file and field (`children/<slug>.md (depends_on.1)`).
 */
export function decompositionProblems(
  proposals: readonly ChildProposal[],
  taskExists: (id: string) => boolean,
  parentId: string,
): string[] {
  const slugs = new Set(proposals.map((p) => p.slug));
  const problems: string[] = [];
  for (const p of proposals)
    p.child.depends_on.forEach((dep, i) => {
      const where = `children/${p.slug}.md (depends_on.${i})`;
      if (dep === p.slug) problems.push(`${where}: a child cannot depend on itself`);
      else if (dep === parentId && !slugs.has(dep))
        problems.push(`${where}: a child cannot depend on ${parentId}, which waits for its children`);
      else if (!slugs.has(dep) && !taskExists(dep))
        problems.push(`${where}: "${dep}" is neither a sibling's slug nor an existing task id`);
    });
  const cycle = siblingCycle(proposals);
  if (cycle) problems.push(`children/: depends_on goes round in a circle: ${cycle.join(" → ")}`);
  return problems;
}

/** A dependency cycle among siblings as slugs (first repeated at the end), or null. */
function siblingCycle(proposals: readonly ChildProposal[]): string[] | null {
  const deps = new Map(proposals.map((p) => [p.slug, p.child.depends_on.filter((d) => d !== p.slug)]));
  const state = new Map<string, "open" | "closed">();
  const stack: string[] = [];
  const visit = (slug: string): string[] | null => {
    if (state.get(slug) === "closed") return null;
    if (state.get(slug) === "open") return [...stack.slice(stack.indexOf(slug)), slug];
    state.set(slug, "open");
    stack.push(slug);
    for (const d of deps.get(slug) ?? []) {
      if (!deps.has(d)) continue;
      const found = visit(d);
      if (found) return found;
    }
    stack.pop();
    state.set(slug, "closed");
    return null;
  };
  for (const slug of deps.keys()) {
    const found = visit(slug);
    if (found) return found;
  }
  return null;
}

/** A child task to write: its record (`queue/<id>.md` frontmatter) and body. */
export interface SpawnedChild {
  slug: string;
  task: Task;
  body: string;
}

/**
 * The tasks an approved decomposition becomes: each starts at `plan / ready` with `parent` set, the
 * parent's priority unless it says otherwise, and `depends_on` resolved from sibling slugs to the ids
 * minted for them (other names are task ids already, and stay). `mintId(title)` makes a fresh id.
 */
export function spawnChildren(
  parent: Task,
  proposals: readonly ChildProposal[],
  now: string,
  mintId: (title: string) => string,
): SpawnedChild[] {
  const ids = new Map(proposals.map((p) => [p.slug, mintId(p.child.title)]));
  return proposals.map((p) => ({
    slug: p.slug,
    body: p.body,
    task: {
      id: ids.get(p.slug) as string,
      title: p.child.title,
      phase: "plan",
      status: "ready",
      priority: p.child.priority ?? parent.priority,
      depends_on: p.child.depends_on.map((d) => ids.get(d) ?? d),
      parent: parent.id,
      touches: p.child.touches,
      attempts: {},
      base_commit: null,
      merged_into: null,
      question: null,
      answers: [],
      reason: null,
      shipped: null,
      review_branch: null,
      cost: { usd: null, input_tokens: null, output_tokens: null, agent_seconds: 0 },
      created: now,
      updated: now,
    },
  }));
}

/** The parent once its children exist: it waits in `implement / waiting-children`. */
export function awaitChildren(parent: Task, now: string): Task {
  return { ...parent, phase: "implement", status: "waiting-children", reason: null, updated: now };
}

/** What a parent in `implement / waiting-children` should do now. */
export type ParentStep =
  /** Some children are not done yet: `why` lists them with their states. */
  | { kind: "wait"; why: string }
  /** Every child is done: run the parent's acceptance checks on the base tip. */
  | { kind: "integrate" }
  /** A child was dropped or failed (or none exists): a person must say what happens. */
  | { kind: "block"; question: string };

/** The children of `parentId` among `tasks`, oldest first. */
export function childrenOf(parentId: string, tasks: readonly Task[]): Task[] {
  return tasks
    .filter((t) => t.parent === parentId)
    .sort((a, b) => ((a.created ?? "") < (b.created ?? "") ? -1 : a.id < b.id ? -1 : 1));
}

/** `id (phase / status)` for each child, for people. */
export function describeChildren(children: readonly Task[]): string {
  return children
    .map(
      (c) =>
        `${c.id} (${c.phase === "done" || c.phase === "dropped" ? c.phase : `${c.phase} / ${c.status}`})`,
    )
    .join(", ");
}

/**
 * The next step of a waiting parent: block when a child is dropped or failed (or it has none), integrate
 * when every child is `done`, else wait.
 */
export function parentStep(parent: Task, tasks: readonly Task[]): ParentStep {
  const children = childrenOf(parent.id, tasks);
  if (children.length === 0)
    return {
      kind: "block",
      question: `${parent.id} waits for child tasks, but none exists (a queue file was removed?). Answer to let its own implementer do the work, or \`fleet drop ${parent.id}\`.`,
    };
  const lost = children.filter((c) => c.phase === "dropped" || c.status === "failed");
  if (lost.length > 0)
    return {
      kind: "block",
      question: `child task ${describeChildren(lost)} ${lost.length === 1 ? "was" : "were"} ${lost.some((c) => c.phase === "dropped") ? "dropped or failed" : "failed"}, so the whole of ${parent.id} cannot be checked. \`fleet retry <child>\` and answer here once it is done, answer to let ${parent.id}'s own implementer do the rest, or \`fleet drop ${parent.id}\`.`,
    };
  const open = children.filter((c) => c.phase !== "done");
  if (open.length === 0) return { kind: "integrate" };
  return {
    kind: "wait",
    why: `waits for ${open.length} of ${children.length} children: ${describeChildren(open)}`,
  };
}

/** Whether `task`'s plan may go to implement without a person: `review.plan: auto`, or a child under `review.children: auto`. */
export function planApprovedAutomatically(
  task: Pick<Task, "parent">,
  review: { plan: "person" | "auto"; children?: "person" | "auto" },
): boolean {
  return review.plan === "auto" || (task.parent !== null && review.children === "auto");
}

/**
 * A fanned-out parent just answered (`implement / ready`): back to `implement / waiting-children`
 * when it has children and none of them is dropped or failed any more; unchanged otherwise (its own
 * implementer then does what the children did not).
 */
export function resumeParent(answered: Task, tasks: readonly Task[]): Task {
  const children = childrenOf(answered.id, tasks);
  if (children.length === 0) return answered;
  if (children.some((c) => c.phase === "dropped" || c.status === "failed")) return answered;
  return { ...answered, status: "waiting-children" };
}
