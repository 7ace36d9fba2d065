import { describe, expect, it } from "vitest";
import { nextCommandHint, yourTurn } from "../../src/lifecycle/your-turn.js";

const task = (phase: string, status: string, extra: { question?: string; reason?: string } = {}) =>
  ({
    id: "add-greet",
    phase,
    status,
    question: extra.question ?? null,
    reason: extra.reason ?? null,
  }) as Parameters<typeof yourTurn>[0];

describe("your turn", () => {
  it("names what each waiting task needs from a person, with the exact commands", () => {
    expect(yourTurn(task("plan", "awaiting-approval"))).toEqual({
      waitsFor: "a plan to review",
      commands: ["fleet show add-greet", "fleet approve add-greet", 'fleet reject add-greet -m "…"'],
    });
    expect(yourTurn(task("ship", "awaiting-approval"))?.commands[1]).toBe("fleet approve add-greet");
    expect(yourTurn(task("plan", "blocked", { question: "Which greeting?\nMore." }))).toEqual({
      waitsFor: "a question: Which greeting?",
      commands: ['fleet answer add-greet "…"'],
    });
    expect(yourTurn(task("research", "blocked", { reason: "claude is not installed" }))).toEqual({
      waitsFor: "a problem to fix: claude is not installed",
      commands: ["fleet ready add-greet", 'fleet drop add-greet -m "…"'],
    });
    expect(yourTurn(task("implement", "failed", { reason: "gate test failed" }))?.commands).toEqual([
      "fleet show add-greet",
      "fleet retry add-greet",
      'fleet drop add-greet -m "…"',
    ]);
  });

  it("leaves out what waits for the fleet, and drafts", () => {
    for (const [phase, status] of [
      ["idea", "draft"],
      ["idea", "ready"],
      ["research", "running"],
      ["done", "ready"],
      ["dropped", "ready"],
    ] as const)
      expect(yourTurn(task(phase, status)), `${phase} / ${status}`).toBeNull();
  });

  it("gives the one command to run next", () => {
    expect(nextCommandHint(task("plan", "awaiting-approval"))).toBe("your turn: fleet approve add-greet");
    expect(nextCommandHint(task("implement", "failed"))).toBe("your turn: fleet retry add-greet");
    expect(nextCommandHint(task("idea", "ready"))).toBeNull();
  });
});
