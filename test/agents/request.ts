/** Builds runner requests for tests: temp checkout, output dir, prompt file and log under a fake git dir. */
import path from "node:path";
import type { AgentRunRequest } from "../../src/agents/types.js";
import { type Agent, agentSchema } from "../../src/store/schemas/agent.js";
import { tempDir } from "../helpers/temp-repo.js";

/** A request for `agent` (parsed with the real schema) in fresh temp folders; override any field. */
export function makeRequest(
  agent: Record<string, unknown>,
  overrides: Partial<AgentRunRequest> = {},
): AgentRunRequest & { agent: Agent } {
  const cwd = overrides.cwd ?? tempDir("fleet-cwd-");
  const runtime = tempDir("fleet-runtime-");
  return {
    taskId: "greet-ada-7k2q",
    phase: "research",
    attempt: 1,
    epoch: 3,
    agentName: "tester",
    agent: agentSchema.parse(agent),
    prompt: "# Task\nSay hello to Ada.\n",
    cwd,
    outputDir: path.join(runtime, "out"),
    promptFile: path.join(runtime, "prompt.md"),
    logFile: path.join(runtime, "logs", "greet-ada-7k2q", "001-research.log"),
    parentEnv: { PATH: process.env.PATH, HOME: "/home/test", LANG: "C" },
    signal: new AbortController().signal,
    killGraceMs: 1_000,
    ...overrides,
  };
}
