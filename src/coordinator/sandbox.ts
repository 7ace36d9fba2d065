/**
 * The sandbox of a job: the clone's policy (config.md `sandbox:`, and whether bwrap works here), and
 * what `setup` may touch in a fresh checkout. Agents' specs are built by src/sandbox/agent-spec.ts.
 */
import path from "node:path";
import type { Repo } from "../git/repo.js";
import {
  checkoutSpec,
  type RepoSandbox,
  type SandboxPolicy,
  type SandboxSpec,
  sandboxForRepo,
} from "../sandbox/index.js";
import type { Config } from "../store/schemas/config.js";

/** A job's sandbox: a policy to run under, or why none can be made (the task is blocked with `fix`). */
export type JobSandbox = RepoSandbox;

/** The sandbox for jobs of `repo` under `config` (see src/sandbox/for-repo.ts). */
export function jobSandbox(repo: Repo, config: Pick<Config, "sandbox">, env: NodeJS.ProcessEnv): JobSandbox {
  return sandboxForRepo(repo, config.sandbox, env);
}

/** The git objects a clone borrows through alternates (shown read-only). */
export function objectsDir(repo: Repo): string {
  return path.join(repo.commonDir, "objects");
}

/**
 * What `setup` (config.md) may touch in a fresh checkout: the checkout (its `.git` read-only when
 * `sealed`), the network (installs download), an empty HOME.
 */
export function setupSpec(
  policy: SandboxPolicy,
  repo: Repo,
  checkout: string,
  sealed: boolean,
): SandboxSpec | null {
  return checkoutSpec(policy, { checkout, objects: objectsDir(repo), sealed, network: "host" });
}
