import { describe, expect, it } from "vitest";
import { fitColumn, formatEventLine } from "../../src/cli/commands/event-line.js";

const at = new Date(2026, 11, 1, 6, 10, 37);

describe("event lines", () => {
  it("keep their columns when an id, agent or event is longer than its column", () => {
    const short = formatEventLine({
      at,
      task: "a-1",
      phase: "plan",
      agent: "planner",
      event: "proposed",
      detail: "→ x",
    });
    const long = formatEventLine({
      at,
      task: "rate-limit-the-public-api-and-everything-else-7k2q",
      phase: "implement",
      agent: "a-very-long-agent-name",
      event: "proposed",
      detail: "→ x",
    });
    expect(long.indexOf("proposed")).toBe(short.indexOf("proposed"));
    expect(long.indexOf("→ x")).toBe(short.indexOf("→ x"));
    expect(long).toContain("rate-limit-the-public-a… ");
    expect(fitColumn("abc", 5)).toBe("abc  ");
    expect(fitColumn("abcdef", 5)).toBe("abcd…");
  });

  it("end with the next command when the event left the task waiting for a person", () => {
    const line = formatEventLine({
      at,
      task: "t",
      phase: "plan",
      agent: "planner",
      event: "proposed",
      detail: "→ plan / awaiting-approval",
      next: "your turn: fleet approve t",
    });
    expect(line).toMatch(/→ plan \/ awaiting-approval {2}— your turn: fleet approve t$/);
  });
});
