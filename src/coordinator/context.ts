/** What every coordinator step shares: the repository, its `.fleet/` paths, the clock and the event sink. */

import type { Runner } from "../agents/types.js";
import type { Repo } from "../git/repo.js";
import type { RemoteSession } from "../remote/remote-session.js";
import type { FleetPaths } from "../store/paths.js";
import type { RunnerName } from "../store/schemas/agent.js";
import type { FleetLogEvent } from "./job.js";

/** The coordinator's surroundings. */
export interface CoordinatorContext {
  repo: Repo;
  paths: FleetPaths;
  /** The daemon's environment; runners pass on only their allowlist. */
  env: NodeJS.ProcessEnv;
  getRunner(name: RunnerName): Runner;
  emit(event: FleetLogEvent): void;
  now(): Date;
  /** The link to the remote when config.md sets `remote:` (claims and landings then go through it). */
  remote?: RemoteSession | null;
}

/** `planner (claude-code, claude-sonnet-4-5)` — how audit commits name an agent. */
export function agentLabel(
  name: string | null,
  runner?: string | null,
  model?: string | null,
): string | undefined {
  if (!name) return undefined;
  const how = [runner, model].filter(Boolean).join(", ");
  return how ? `${name} (${how})` : name;
}
