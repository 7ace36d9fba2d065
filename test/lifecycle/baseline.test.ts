import { describe, expect, it } from "vitest";
import { baselineGates, baselineKey, baselineReason } from "../../src/lifecycle/baseline.js";
import type { Gate } from "../../src/store/schemas/gate.js";

const gates = new Map<string, Gate>([
  ["build", { kind: "command", run: "npm run build", timeout: 1000, env: {} }],
  ["review", { kind: "agent", agent: "reviewer", timeout: 1000, env: {} }],
  ["acceptance", { kind: "acceptance", timeout: 1000, env: {} }],
  [
    "health",
    {
      kind: "health",
      start: "npm start",
      url: "http://127.0.0.1:{port}/",
      expect: 200,
      ready_timeout: 1,
      timeout: 1,
      env: {},
    },
  ],
]);

describe("baseline rules", () => {
  it("runs the command and health gates in order, not acceptance, reviewers or undefined gates", () => {
    expect(baselineGates(["build", "review", "acceptance", "ghost", "health"], gates)).toEqual([
      "build",
      "health",
    ]);
  });

  it("keys a pass by code, setup and the exact gate definitions", () => {
    const build = { name: "build", gate: gates.get("build") as Gate };
    const k = baselineKey("tree", null, [build]);
    expect(baselineKey("tree", null, [build])).toBe(k);
    expect(baselineKey("tree2", null, [build])).not.toBe(k);
    expect(baselineKey("tree", "npm ci", [build])).not.toBe(k);
    expect(
      baselineKey("tree", null, [{ name: "build", gate: { ...build.gate, env: { CI: "1" } } }]),
    ).not.toBe(k);
  });

  it("says which gate is red on which branch, and what to do", () => {
    expect(baselineReason("test", "main", "0123456789abcdef", false)).toBe(
      "gate `test` fails on `main` (0123456789ab) with no change: fix the gate, then `fleet ready` the task",
    );
  });
});
