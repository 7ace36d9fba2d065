/**
 * The sandbox around every agent and every gate (Linux: bubblewrap). This folder may touch nothing but
 * its own answers: it probes the machine, builds policies and specs as data, and turns a spec into
 * bwrap's argv; `src/agents/spawn.ts` is what starts the sandboxed process. See docs/security.md.
 */
export { agentHome, agentNetwork, agentSpec } from "./agent-spec.js";
export { bwrapArgs } from "./bwrap-args.js";
export { credentialFiles } from "./credentials.js";
export { type RepoSandbox, sandboxForRepo } from "./for-repo.js";
export { findOnPath, probeSandbox, type SandboxProbe } from "./probe.js";
export {
  checkoutSpec,
  exposedFolders,
  isInside,
  type NetworkMode,
  type ProcessNeeds,
  packageRoot,
  programFolders,
  type SandboxPolicy,
  type SandboxSpec,
  sandboxPolicy,
  specFor,
} from "./spec.js";
