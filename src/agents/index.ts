/**
 * Runner lookup: `runner:` in an agent file → the function that runs it. Runner modules are imported on
 * first use, so `fleet ls` never loads an agent CLI adapter. To add a runner, add one line to `LOADERS`.
 */
import type { RunnerName } from "../store/schemas/agent.js";
import { agentResult } from "./outcome.js";
import type { Runner } from "./types.js";

/** How to load each runner; runners without an entry answer `blocked` (not built in this version). */
const LOADERS: Partial<Record<RunnerName, () => Promise<Runner>>> = {
  "claude-code": async () => (await import("./claude-code.js")).runClaudeCode,
  codex: async () => (await import("./codex.js")).runCodex,
  gemini: async () => (await import("./gemini.js")).runGemini,
  aider: async () => (await import("./aider.js")).runAider,
  command: async () => (await import("./command.js")).runCommandAgent,
  script: async () => (await import("./script.js")).runScriptAgent,
};

const loaded = new Map<RunnerName, Promise<Runner>>();

/** True when `runner` has an implementation in this build. */
export function hasRunner(runner: RunnerName): boolean {
  return LOADERS[runner] !== undefined;
}

/**
 * The runner for `runner`. Its module is imported on the first call of the returned function. A runner
 * that is not available resolves `blocked` with a reason naming it, rather than throwing.
 */
export function getRunner(runner: RunnerName): Runner {
  const load = LOADERS[runner];
  if (!load) {
    return async (req) =>
      agentResult(
        "blocked",
        `runner "${runner}" is not available in this version of fleet: change \`runner:\` in .fleet/agents/${req.agentName}.md`,
      );
  }
  return async (req) => {
    let runnerFn = loaded.get(runner);
    if (!runnerFn) {
      runnerFn = load();
      loaded.set(runner, runnerFn);
    }
    return (await runnerFn)(req);
  };
}

export type { AgentOutcome, AgentRunRequest, AgentRunResult, Runner } from "./types.js";
