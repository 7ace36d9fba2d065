import { describe, expect, it } from "vitest";
import { changedTestScripts, isTestScript, testWeakeningReason } from "../../src/lifecycle/test-weakening.js";
import { DEFAULT_TEST_PATTERNS } from "../../src/store/schemas/config.js";

describe("test weakening rules", () => {
  it("knows test scripts by name", () => {
    expect(["test", "pretest", "posttest", "test:unit", "test-e2e"].every(isTestScript)).toBe(true);
    expect(["build", "testing", "lint"].some(isTestScript)).toBe(false);
  });

  it("finds test scripts whose command changed, appeared or went away", () => {
    const before = JSON.stringify({ scripts: { test: "vitest run", build: "tsc", "test:e2e": "x" } });
    const after = JSON.stringify({ scripts: { test: "exit 0", build: "tsc -b", pretest: "y" } });
    expect(changedTestScripts(before, after)).toEqual(["pretest", "test", "test:e2e"]);
    expect(changedTestScripts(before, before)).toEqual([]);
    expect(changedTestScripts(null, "not json")).toEqual([]);
  });

  it("holds modified and deleted test files, not added ones or other files", () => {
    const reason = testWeakeningReason(
      DEFAULT_TEST_PATTERNS,
      [
        { path: "src/a.ts", status: "M" },
        { path: "src/a.test.ts", status: "M" },
        { path: "tests/old.py", status: "D" },
        { path: "test/new.test.mjs", status: "A" },
        { path: "pkg/__tests__/x.js", status: "M" },
      ],
      new Map(),
    );
    expect(reason).toBe(
      "it changes the project's existing tests or test commands: src/a.test.ts (modified), tests/old.py (deleted), pkg/__tests__/x.js (modified) (review.tests)",
    );
    expect(
      testWeakeningReason(DEFAULT_TEST_PATTERNS, [{ path: "test/n.js", status: "A" }], new Map()),
    ).toBeNull();
    expect(
      testWeakeningReason([], [{ path: "test/a.js", status: "M" }], new Map([["package.json", []]])),
    ).toBeNull();
  });
});
