/**
 * Where a phase's agent works: a pooled checkout detached at the base commit (research, plan — changes
 * are thrown away on the next reuse) or the task's worktree on `fleet/<id>` (implement). A fresh one gets
 * `setup` from config.md first; if setup fails the checkout is removed (so the next attempt starts
 * fresh and runs setup again) and the task is blocked with the reason.
 */

import { FleetError } from "../../errors.js";
import { gitText } from "../../git/run-git.js";
import { ensureDetachedCheckout, ensureWorktree, removeWorktree, resolveCommit } from "../../git/worktree.js";
import { takeSlot } from "../checkout-pool.js";
import type { Job, Landing } from "../job.js";
import { runSetup } from "../run-setup.js";
import { taskRuntime } from "../runtime-dirs.js";

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

async function afterCreate(
  job: Job,
  dir: string,
  fresh: boolean,
  remove: () => Promise<void>,
): Promise<Prepared> {
  if (!fresh || !job.config.setup) return { cwd: dir };
  const result = await runSetup(job.config.setup, dir, {
    logFile: job.log.abs,
    env: job.env,
    signal: job.signal,
    onSpawn: (pgid) => job.onSpawn(pgid),
  });
  if (result.ok) return { cwd: dir };
  await remove();
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
 * A read-only checkout for research and plan, detached at `commit`, in a pooled slot (see
 * checkout-pool.ts). The caller must `release()` it once the agent has ended.
 */
export async function readOnlyCheckout(
  job: Job,
  commit: string,
): Promise<Prepared & { release: () => void }> {
  const slot = takeSlot(job.repo.commonDir);
  try {
    const sha = /^[0-9a-f]{40}$/.test(commit) ? commit : await resolveCommit(job.repo.root, commit);
    const co = await ensureDetachedCheckout(job.repo, slot.dir, sha);
    const prepared = await afterCreate(job, co.dir, co.fresh, () => removeWorktree(job.repo, slot.dir));
    return { ...prepared, release: slot.release };
  } catch (err) {
    slot.release();
    throw err;
  }
}

/** The implement worktree `<work>/worktrees/<id>` on branch `fleet/<id>`, started from `start` when new. */
export async function implementWorktree(job: Job, start: string): Promise<Prepared> {
  const dir = taskRuntime(job.repo.commonDir, job.task.id).worktree;
  const wt = await ensureWorktree(job.repo, dir, `fleet/${job.task.id}`, start);
  return afterCreate(job, wt.dir, wt.fresh, () => removeWorktree(job.repo, dir));
}
