import { describe, expect, it } from "vitest";
import { buildPrompt } from "../../src/lifecycle/prompt.js";
import { taskSchema } from "../../src/store/schemas/task.js";

describe("buildPrompt", () => {
  const task = taskSchema.parse({
    id: "greet",
    title: "Greet people",
    touches: ["src/greet.ts"],
    base_commit: "abc123",
    answers: [{ question: "Which language?", answer: "English", by: "Ada", at: "2026-11-21T00:00:00Z" }],
  });

  it("puts role, task, earlier outputs, answers, rejection, feedback and the contract in order", () => {
    const p = buildPrompt({
      phase: "plan",
      role: "You plan carefully.",
      task,
      taskBody: "We want a greeting.\n",
      attempt: 2,
      research: "There is no greet module.",
      rejection: { by: "Ada", reason: "Too big; split it." },
      feedback: "acceptance.md: checks: needs at least one check",
    });
    const order = [
      "You plan carefully.",
      "# Task: Greet people",
      "phase: plan (attempt 2)",
      "touches: src/greet.ts",
      "## The idea",
      "## Research",
      "## Answers from people",
      "A (Ada): English",
      "## Rejected plan",
      "Too big; split it.",
      "## Feedback from the previous attempt",
      "$FLEET_OUTPUT_DIR/acceptance.md",
      "question.md",
    ];
    let at = -1;
    for (const part of order) {
      const i = p.indexOf(part);
      expect(i, part).toBeGreaterThan(at);
      at = i;
    }
    expect(p).not.toContain("## Plan\n");
  });

  it("lists acceptance checks for the implementer", () => {
    const p = buildPrompt({
      phase: "implement",
      role: "",
      task,
      taskBody: "",
      attempt: 1,
      plan: "Add src/greet.ts",
      acceptance: { checks: [{ id: "AC1", says: "greets", run: "node --test x.mjs" }], body: "" },
    });
    expect(p).toContain("- AC1: greets\n  run: `node --test x.mjs`");
    expect(p).toContain("branch `fleet/<task id>`");
    expect(p.startsWith("You are the implement agent")).toBe(true);
  });
});
