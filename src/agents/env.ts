/**
 * The environment an agent process gets (design.md §6): an allowlist, never the daemon's environment.
 * PATH, HOME and LANG, the names the agent file lists in `env:`, and the `FLEET_*` variables of the
 * attempt. Everything else — tokens, cloud credentials, SSH agents — stays out; an agent that needs
 * more names them in its agent file.
 */
import type { AgentRunRequest } from "./types.js";

/** Passed to every agent beside its own `env:` list. */
export const BASE_ENV_NAMES = ["PATH", "HOME", "LANG"] as const;

/** The `FLEET_*` variables of one attempt. */
export interface FleetVars {
  FLEET_TASK_ID: string;
  FLEET_PHASE: string;
  FLEET_ATTEMPT: string;
  FLEET_OUTPUT_DIR: string;
  FLEET_PROMPT_FILE?: string;
}

/** The `FLEET_*` variables for `req`. */
export function fleetVarsFor(req: AgentRunRequest): FleetVars {
  return {
    FLEET_TASK_ID: req.taskId,
    FLEET_PHASE: req.phase,
    FLEET_ATTEMPT: String(req.attempt),
    FLEET_OUTPUT_DIR: req.outputDir,
    FLEET_PROMPT_FILE: req.promptFile,
  };
}

/**
 * Builds an agent's environment from `parentEnv`: {@link BASE_ENV_NAMES} and the names in `allow` when
 * set there (names not set are left out, not set empty), then `fleetVars`, which win over any
 * same-named inherited variable. Nothing else of `parentEnv` is copied.
 * @param allow variable names from the agent file's `env:`.
 * @param fleetVars the attempt's `FLEET_*` variables (see {@link fleetVarsFor}); other keys are refused.
 * @throws TypeError when a key of `fleetVars` does not start with `FLEET_`.
 */
export function buildAgentEnv(
  parentEnv: NodeJS.ProcessEnv,
  allow: readonly string[],
  fleetVars: Readonly<FleetVars> | Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of [...BASE_ENV_NAMES, ...allow]) {
    const value = parentEnv[name];
    if (value !== undefined) env[name] = value;
  }
  for (const [name, value] of Object.entries(fleetVars)) {
    if (!name.startsWith("FLEET_")) throw new TypeError(`buildAgentEnv: ${name} is not a FLEET_ variable`);
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** {@link buildAgentEnv} for a run request: its parent environment, the agent's `env:` and its `FLEET_*`. */
export function agentEnvFor(req: AgentRunRequest): Record<string, string> {
  return buildAgentEnv(req.parentEnv, req.agent.env, fleetVarsFor(req));
}
