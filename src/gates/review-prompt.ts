/**
 * The reviewer's prompt (pure): its role, the task as people wrote it (a ` ```fleet-script ` block in
 * it still reaches the `script` runner), the approved plan and acceptance checks, and the change itself
 * as a diff — then what to deliver. Task text is only ever placed in the prompt, never in a command.
 */
import type { Check } from "../store/schemas/artifacts.js";

/** What the reviewer is shown. */
export interface ReviewPromptInput {
  role: string;
  taskId: string;
  title: string;
  taskBody: string;
  plan: string | null;
  checks: readonly Check[];
  base: string;
  candidate: string;
  /** `git diff --stat` then the patch, possibly cut short. */
  diff: string;
}

function section(title: string, text: string | null | undefined): string | null {
  const body = text?.trim();
  return body ? `## ${title}\n\n${body}` : null;
}

/** Builds the reviewer's prompt. */
export function buildReviewPrompt(input: ReviewPromptInput): string {
  const fence = input.diff.includes("```") ? "~~~~" : "```";
  const checks = input.checks.map((c) => `- ${c.id}: ${c.says}\n  run: \`${c.run}\``).join("\n");
  const parts = [
    input.role.trim() || "You are a skeptical code reviewer in a gitfleet fleet.",
    `# Review: ${input.title}\n\nid: ${input.taskId}\nbase commit: ${input.base}\ncandidate commit: ${input.candidate}`,
    section("The idea", input.taskBody),
    section("The approved plan", input.plan),
    section("Acceptance checks (run separately by the gates)", checks),
    `## The change\n\n${fence}diff\n${input.diff.trimEnd()}\n${fence}`,
    [
      "## What to deliver",
      "",
      "Review the change against the plan: correctness, missing cases, tests that prove nothing, changes the",
      "plan did not ask for. The working directory is a clean checkout of the candidate; do not edit it.",
      "Write `$FLEET_OUTPUT_DIR/review.md` with frontmatter `verdict: approve` or `verdict: changes`, and your",
      "findings as the markdown body. `changes` sends the work back to the implementer with your findings,",
      "so make each one specific: file, what is wrong, what would fix it.",
    ].join("\n"),
  ];
  return `${parts.filter((p): p is string => p !== null).join("\n\n")}\n`;
}
