import { describe, expect, it } from "vitest";
import { buildAgentEnv } from "../../src/agents/env.js";

const parent = {
  PATH: "/usr/bin",
  HOME: "/home/ada",
  LANG: "C.UTF-8",
  AWS_SECRET_ACCESS_KEY: "secret",
  ANTHROPIC_API_KEY: "sk-test",
  FLEET_TASK_ID: "spoofed",
};
const vars = {
  FLEET_TASK_ID: "fix-login-3k9d",
  FLEET_PHASE: "research",
  FLEET_ATTEMPT: "1",
  FLEET_OUTPUT_DIR: "/tmp/out",
  FLEET_PROMPT_FILE: "/tmp/prompt.md",
};

describe("buildAgentEnv", () => {
  it("keeps only PATH, HOME, LANG, the allowed names and the FLEET_ variables", () => {
    expect(buildAgentEnv(parent, ["ANTHROPIC_API_KEY", "NOT_SET"], vars)).toEqual({
      PATH: "/usr/bin",
      HOME: "/home/ada",
      LANG: "C.UTF-8",
      ANTHROPIC_API_KEY: "sk-test",
      ...vars,
    });
  });

  it("lets the attempt's FLEET_ variables win over inherited ones", () => {
    expect(buildAgentEnv(parent, ["FLEET_TASK_ID"], vars).FLEET_TASK_ID).toBe("fix-login-3k9d");
  });

  it("refuses non-FLEET_ names among the fleet variables", () => {
    expect(() => buildAgentEnv(parent, [], { SECRET: "x" })).toThrow(/not a FLEET_ variable/);
  });
});
