/**
 * Assembling an agent's prompt (design.md §4): the agent's role, then the task, what earlier phases
 * produced (research, plan, acceptance), a person's answers and rejection reason, the feedback of the
 * previous failed attempt, and finally what this phase must deliver into `$FLEET_OUTPUT_DIR`.
 * Pure: every text comes in, one string goes out. Task text is only ever placed in the prompt — never
 * into a command line.
 */
import type { Check } from "../store/schemas/artifacts.js";
import type { Task } from "../store/schemas/task.js";

/** The inputs of one prompt; absent parts are left out. */
export interface PromptInput {
  phase: "research" | "plan" | "implement" | "ship" | "review";
  /** The agent file's body: its role. */
  role: string;
  task: Task;
  /** The task file's body: the idea as people wrote it. */
  taskBody: string;
  /** 1-based attempt number in this phase. */
  attempt: number;
  research?: string | null;
  plan?: string | null;
  acceptance?: { checks: readonly Check[]; body: string } | null;
  /** Why a person rejected the previous plan (`fleet reject -m`). */
  rejection?: { by: string; reason: string } | null;
  /** What went wrong last time: the failed attempt's reason, gate output, transcript tail. */
  feedback?: string | null;
}

const DELIVER: Record<PromptInput["phase"], string> = {
  research: [
    "Research the task in this checkout (read-only: changes here are thrown away).",
    "Write your findings as markdown to `$FLEET_OUTPUT_DIR/research.md`: what exists, what must change, risks.",
  ].join("\n"),
  plan: [
    "Plan the change in this checkout (read-only: changes here are thrown away). Write:",
    "- `$FLEET_OUTPUT_DIR/plan.md`: the plan, as markdown, with the files to change and the steps.",
    "- `$FLEET_OUTPUT_DIR/acceptance.md`: frontmatter `checks:`, a list of `{id, says, run}` — at least one",
    "  command that exits 0 once the work is done, run from the repository root.",
    "- optionally `$FLEET_OUTPUT_DIR/acceptance/`: files the checks need; they are committed as",
    "  `.fleet/acceptance/<task id>/`. Name test files `<name>.accept.mjs` (not `*.test.*`, `*.spec.*` or",
    "  a `test/` folder, which the project's own test runner would pick up) and run each by its path,",
    "  e.g. `node --test .fleet/acceptance/<task id>/<name>.accept.mjs`.",
    "- optionally, to split work too big for one change, `$FLEET_OUTPUT_DIR/children/<slug>.md`: one task",
    "  file per part (frontmatter `title`, and optionally `touches`, `depends_on` naming sibling slugs or",
    "  task ids, `priority`; the body says what the part is). Approved with your plan, each becomes a task",
    "  planned and shipped on its own; your acceptance checks then judge the whole once all are done.",
  ].join("\n"),
  implement: [
    "Implement the plan in this worktree (branch `fleet/<task id>`). Commit or leave your changes: the",
    "fleet commits whatever you leave. Do not change `.fleet/`. The gates, not you, decide when it is done.",
  ].join("\n"),
  ship: "Ship the change.",
  review:
    "Review the change. Write `$FLEET_OUTPUT_DIR/review.md` with frontmatter `verdict: approve | changes`.",
};

const ASK =
  "If something is truly ambiguous, write your question to `$FLEET_OUTPUT_DIR/question.md` and exit 0 " +
  "instead of guessing; a person will answer and you will run again.";

function section(title: string, text: string | null | undefined): string | null {
  const body = text?.trim();
  return body ? `## ${title}\n\n${body}` : null;
}

/** Builds the whole prompt for one attempt. */
export function buildPrompt(input: PromptInput): string {
  const t = input.task;
  const facts = [
    `id: ${t.id}`,
    `phase: ${input.phase} (attempt ${input.attempt})`,
    t.touches.length ? `touches: ${t.touches.join(", ")}` : null,
    t.base_commit ? `base commit: ${t.base_commit}` : null,
  ].filter(Boolean);
  const answers = t.answers
    .map((a) => `Q: ${a.question.trim()}\nA (${a.by}): ${a.answer.trim()}`)
    .join("\n\n");
  const checks = input.acceptance
    ? input.acceptance.checks.map((c) => `- ${c.id}: ${c.says}\n  run: \`${c.run}\``).join("\n")
    : null;
  const acceptance = checks ? [checks, input.acceptance?.body.trim()].filter(Boolean).join("\n\n") : null;
  const rejection = input.rejection
    ? `${input.rejection.by} rejected the previous plan:\n\n${input.rejection.reason}`
    : null;
  const parts = [
    input.role.trim() || `You are the ${input.phase} agent of a gitfleet fleet.`,
    `# Task: ${t.title}\n\n${facts.join("\n")}`,
    section("The idea", input.taskBody),
    section("Research", input.research),
    section("Plan", input.plan),
    section("Acceptance checks (run by the gates, from the base commit's copies)", acceptance),
    section("Answers from people", answers),
    section("Rejected plan", rejection),
    section("Feedback from the previous attempt", input.feedback),
    `## What to deliver\n\n${DELIVER[input.phase]}\n\n${ASK}`,
  ];
  return `${parts.filter((p): p is string => p !== null).join("\n\n")}\n`;
}
