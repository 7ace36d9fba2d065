import { describe, expect, it } from "vitest";
import { ranNoTests, reportedTestCount } from "../../src/lifecycle/test-count.js";

// Summaries as node 20's test runner prints them (TAP, spec, JUnit reporters).
const TAP_ONE =
  "TAP version 13\n# Subtest: x\nok 1 - x\n  ---\n  duration_ms: 1.4\n  ...\n1..1\n# tests 1\n# pass 1\n# fail 0\n";
const TAP_EXITED =
  "TAP version 13\n# Subtest: /tmp/zt/a.test.mjs\nok 1 - /tmp/zt/a.test.mjs\n  ---\n  duration_ms: 128.3\n  ...\n1..1\n# tests 1\n# pass 1\n";
const SPEC_MIXED =
  "✔ /tmp/zt/a.test.mjs (110.904249ms)\n✔ x (1.095486ms)\n✔ y (0.121691ms)\nℹ tests 3\nℹ suites 0\nℹ pass 3\n";
const JUNIT_EXITED =
  '<?xml version="1.0" encoding="utf-8"?>\n<testsuites>\n\t<testcase name="/tmp/zt/a.test.mjs" time="0.1" classname="test"/>\n\t<!-- tests 1 -->\n\t<!-- pass 1 -->\n</testsuites>\n';

describe("reportedTestCount", () => {
  it("reads node's TAP and spec summaries", () => {
    expect(reportedTestCount(TAP_ONE)).toBe(1);
    expect(reportedTestCount("ℹ tests 0\nℹ pass 0\n")).toBe(0);
  });

  it("does not count node 20's per-file pseudo-test of a file that ran no test", () => {
    expect(reportedTestCount(TAP_EXITED)).toBe(0);
    expect(reportedTestCount(JUNIT_EXITED)).toBe(0);
    expect(reportedTestCount(SPEC_MIXED)).toBe(2);
  });

  it("reads TAP plans and JUnit XML attributes", () => {
    expect(reportedTestCount("TAP version 13\n1..0 # skip\n")).toBe(0);
    expect(reportedTestCount("ok 1 - a\nok 2 - b\n1..2\n")).toBe(2);
    expect(reportedTestCount('<testsuites tests="0" failures="0"></testsuites>')).toBe(0);
    expect(reportedTestCount('<testsuite name="a" tests="2"/><testsuite name="b" tests="0"/>')).toBe(2);
  });

  it("is null when the output carries no summary it knows", () => {
    expect(reportedTestCount("")).toBeNull();
    expect(reportedTestCount("all good\n")).toBeNull();
    expect(ranNoTests("all good\n")).toBe(false);
  });
});
