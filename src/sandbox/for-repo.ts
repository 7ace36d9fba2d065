/**
 * The sandbox of one clone's jobs and gates: `off` when config.md says `sandbox: off`, the bwrap policy
 * when the probe passes, else `unavailable` with the probe's reason and the exact fix (the task is
 * then blocked: secure by default).
 */
import { runtimePaths } from "../store/paths.js";
import { probeSandbox } from "./probe.js";
import { type SandboxPolicy, sandboxPolicy } from "./spec.js";

/** A policy to run under, or why none can be made. */
export type RepoSandbox = SandboxPolicy | { mode: "unavailable"; reason: string; fix: string };

/** {@link RepoSandbox} for the clone `repo` (root and git common dir) under config.md's `sandbox:`. */
export function sandboxForRepo(
  repo: { root: string; commonDir: string },
  mode: "bwrap" | "off",
  env: NodeJS.ProcessEnv,
): RepoSandbox {
  if (mode === "off") return { mode: "off" };
  const probe = probeSandbox(env);
  if (!probe.ok) return { mode: "unavailable", reason: probe.reason, fix: probe.fix };
  return sandboxPolicy({
    bwrap: probe.bwrap,
    root: repo.root,
    commonDir: repo.commonDir,
    workRoot: runtimePaths(repo.commonDir).work,
    env,
  });
}
