import { describe, expect, it } from "vitest";
import { describeEnd, formatMs, outputExcerpt, relevantLines } from "../../src/gates/feedback.js";

const end = {
  exitCode: 1,
  signal: null,
  timedOut: false,
  aborted: false,
  durationMs: 5,
  output: "",
  spawnError: null,
};

describe("feedback text", () => {
  it("says how a command ended", () => {
    expect(describeEnd(end, 1000)).toBe("exited with code 1");
    expect(describeEnd({ ...end, exitCode: null, timedOut: true }, 600_000)).toBe(
      "was killed after the 10 min timeout",
    );
    expect(describeEnd({ ...end, exitCode: null, signal: "SIGSEGV" }, 1000)).toBe("was killed by SIGSEGV");
    expect(describeEnd({ ...end, spawnError: "working directory x does not exist" }, 1000)).toBe(
      "could not start: working directory x does not exist",
    );
    expect(formatMs(300)).toBe("300 ms");
    expect(formatMs(1500)).toBe("1.5 s");
  });

  it("keeps short output whole and starts long output just before the first failure", () => {
    expect(relevantLines("a\nb\n")).toBe("a\nb");
    const long = [
      ...Array.from({ length: 50 }, (_, i) => `ok ${i}`),
      "not ok 51 - greets",
      "  expected: 'Hello'",
      ...Array.from({ length: 100 }, (_, i) => `  at frame ${i}`),
    ].join("\n");
    const lines = relevantLines(long, 10).split("\n");
    expect(lines).toHaveLength(10);
    expect(lines[3]).toBe("not ok 51 - greets");
    expect(lines[4]).toBe("  expected: 'Hello'");
    const quiet = Array.from({ length: 100 }, (_, i) => `line ${i}`).join("\n");
    expect(relevantLines(quiet, 3)).toBe("line 97\nline 98\nline 99");
  });

  it("fences the excerpt, and says when there was no output", () => {
    expect(outputExcerpt("boom")).toBe("```\nboom\n```");
    expect(outputExcerpt("has ``` inside")).toBe("~~~~\nhas ``` inside\n~~~~");
    expect(outputExcerpt("  \n")).toBe("(no output)");
  });
});
