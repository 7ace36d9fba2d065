/**
 * Where a phase's agent works: a pooled sealed clone detached at the base commit (research, plan —
 * changes are thrown away on the next reuse) or the task's open clone on `fleet/<id>` (implement); see
 * src/git/clone.ts. A fresh one gets `setup` from config.md first, in the sandbox; if setup fails the
 * clone is removed (so the next attempt starts fresh and runs setup again) and the task is blocked.
 */

import { FleetError } from "../../errors.js";
import {
  type ContainedGit,
  containedGit,
  ensureOpenClone,
  ensureSealedClone,
  removeClone,
} from "../../git/clone.js";
import { gitText } from "../../git/run-git.js";
import { checkoutSpec } from "../../sandbox/index.js";
import { takeSlot } from "../checkout-pool.js";
import type { Job, Landing } from "../job.js";
import { runSetup } from "../run-setup.js";
import { taskRuntime } from "../runtime-dirs.js";
import { objectsDir, setupSpec } from "../sandbox.js";

/** A ready checkout, or the landing that ends the job instead (setup failed or was stopped). */
export type Prepared = { cwd: string; landing?: undefined } | { cwd?: undefined; landing: Landing };

/**
 * The commit the base branch (`config.base`) points at now.
 * @throws FleetError("not-found") when the branch does not exist.
 */
export async function baseBranchCommit(job: Job): Promise<string> {
  const ref = `refs/heads/${job.config.base}`;
  const sha = await gitText(["rev-parse", "--verify", "-q", `${ref}^{commit}`], {
    cwd: job.repo.root,
    okCodes: [1],
  });
  if (!sha) {
    throw new FleetError(
      "not-found",
      `the base branch "${job.config.base}" (config.md \`base\`) does not exist`,
      {
        hint: "Set `base:` in .fleet/config.md to the branch work ships to.",
      },
    );
  }
  return sha;
}

async function afterCreate(job: Job, dir: string, fresh: boolean, sealed: boolean): Promise<Prepared> {
  if (!fresh || !job.config.setup) return { cwd: dir };
  const policy = job.sandbox.mode === "unavailable" ? null : job.sandbox;
  const result = await runSetup(job.config.setup, dir, {
    logFile: job.log.abs,
    env: job.env,
    signal: job.signal,
    onSpawn: (pgid) => job.onSpawn(pgid),
    sandbox: policy ? setupSpec(policy, job.repo, dir, sealed) : null,
  });
  if (result.ok) return { cwd: dir };
  removeClone(dir);
  const reason = result.reason ?? "setup failed";
  if (job.signal.aborted) return { landing: { end: { kind: "interrupted", reason }, reason } };
  return {
    landing: {
      end: { kind: "blocked", reason: `${reason} (output in $GIT_COMMON_DIR/${job.log.rel})` },
      reason,
    },
  };
}

/**
 * A sealed checkout for research and plan, detached at `commit`, in a pooled slot (see
 * checkout-pool.ts). The caller must `release()` it once the agent has ended.
 */
export async function readOnlyCheckout(
  job: Job,
  commit: string,
): Promise<Prepared & { release: () => void }> {
  const slot = takeSlot(job.repo.commonDir);
  try {
    const co = await ensureSealedClone(job.repo, slot.dir, commit);
    const prepared = await afterCreate(job, co.dir, co.fresh, true);
    return { ...prepared, release: slot.release };
  } catch (err) {
    slot.release();
    throw err;
  }
}

/**
 * A {@link ContainedGit} for the job's open clone `dir`, sandboxed like the agent (no network), with
 * `also` writable besides the clone (a scratch folder for the result).
 */
export function cloneGit(job: Job, dir: string, also: string[] = []): ContainedGit {
  const policy = job.sandbox.mode === "unavailable" ? null : job.sandbox;
  const sandbox = policy
    ? checkoutSpec(policy, {
        checkout: dir,
        objects: objectsDir(job.repo),
        sealed: false,
        network: "none",
        also,
      })
    : null;
  return containedGit(dir, { sandbox, logFile: job.log.abs, signal: job.signal, parentEnv: job.env });
}

/**
 * The task's open clone `<work>/clones/<id>` on branch `fleet/<id>` at `at` (the branch's commit, or
 * the start point for a new branch). Reset in the sandbox when it exists, rebuilt when that fails.
 */
export async function implementClone(job: Job, at: string): Promise<Prepared> {
  const dir = taskRuntime(job.repo.commonDir, job.task.id).clone;
  const co = await ensureOpenClone(job.repo, dir, `fleet/${job.task.id}`, at, cloneGit(job, dir));
  return afterCreate(job, co.dir, co.fresh, false);
}
