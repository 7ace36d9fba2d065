/**
 * What an agent's sandbox holds beyond its clone's policy: its writable folders, the borrowed git
 * objects, its task's private HOME (kept between attempts, so `claude --resume` finds its session) with
 * its runner's login file read-only, and the network its agent file asks for.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { assertValidId } from "../store/ids.js";
import { runtimePaths } from "../store/paths.js";
import type { Agent } from "../store/schemas/agent.js";
import { credentialFiles } from "./credentials.js";
import { type NetworkMode, type SandboxPolicy, type SandboxSpec, specFor } from "./spec.js";

/**
 * `<work>/homes/<id>[/<which>]`: the private HOME of task `id`'s agents (created). `which` keeps
 * another agent of the same task (the reviewer) apart from the phase agents.
 */
export function agentHome(commonDir: string, id: string, which?: string): string {
  const dir = path.join(runtimePaths(commonDir).work, "homes", assertValidId(id), ...(which ? [which] : []));
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The network an agent gets: its file's `network:`, else none for `command`/`script`, host for model CLIs. */
export function agentNetwork(agent: Agent): NetworkMode {
  if (agent.network) return agent.network;
  return agent.runner === "command" || agent.runner === "script" ? "none" : "host";
}

/** The sandbox of one agent run of task `taskId` in clone `repo` (null when the policy is `off`). */
export function agentSpec(
  policy: SandboxPolicy,
  opts: {
    commonDir: string;
    taskId: string;
    agent: Agent;
    /** Its checkout and output folder. */
    writable: string[];
    /** Hidden files it must read (its prompt file). */
    readOnly?: string[];
    /** Folders inside `writable` it may not write (a sealed clone's `.git`). */
    readOnlyInsideWritable?: string[];
    /** A HOME other than the task's agents' own (see {@link agentHome}). */
    home?: string;
    /** The daemon's environment: where the person's HOME is, for the runner's login file. */
    env: NodeJS.ProcessEnv;
  },
): SandboxSpec | null {
  if (policy.mode === "off") return null;
  return specFor(policy, {
    writable: opts.writable,
    readOnly: [path.join(opts.commonDir, "objects"), ...(opts.readOnly ?? [])],
    readOnlyInsideWritable: opts.readOnlyInsideWritable ?? [],
    home: opts.home ?? agentHome(opts.commonDir, opts.taskId),
    homeFiles: credentialFiles(opts.agent.runner, path.resolve(opts.env.HOME ?? policy.homePath)),
    network: agentNetwork(opts.agent),
  });
}
