/**
 * Clean checkouts for gates. Gates never run in the agent's clone (its untracked leftovers, built
 * files and edits to ignored files must not count): each gate run gets a fresh sealed clone of the
 * candidate commit (src/git/clone.ts: own refs and config, the person's objects borrowed read-only)
 * under `<git-common-dir>/fleet/worktrees/.gates/<task>-<random>/`, which no agent's sandbox shows, and
 * the configured `setup` runs once in it before the first gate. Gates see its `.git` read-only, so the
 * coordinator's own git may still use it afterwards.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { FleetError } from "../errors.js";
import { ensureSealedClone } from "../git/clone.js";
import type { Repo } from "../git/repo.js";
import { git } from "../git/run-git.js";
import { assertValidId } from "../store/ids.js";
import { FLEET_DIR, runtimePaths } from "../store/paths.js";
import { runShell, type ShellOptions, type ShellResult } from "./shell.js";

/** A clean checkout of one commit. */
export interface Checkout {
  /** Absolute path of the checkout. */
  dir: string;
  /** The commit checked out (40 hex). */
  commit: string;
}

const SHA = /^[0-9a-f]{40}$/;

/** `<git-common-dir>/fleet/worktrees/.gates` */
export function gateCheckoutsDir(repo: Repo): string {
  return path.join(runtimePaths(repo.commonDir).worktrees, ".gates");
}

/** Resolves `rev` to a full commit sha. @throws GitError when it names no commit. */
export async function resolveCommit(cwd: string, rev: string): Promise<string> {
  if (SHA.test(rev)) return rev;
  const out = await git(["rev-parse", "--verify", "-q", "--end-of-options", `${rev}^{commit}`], { cwd });
  return out.stdout.trim();
}

/**
 * Checks out `commit` (a full sha) detached in a fresh directory for task `taskId`.
 * @throws FleetError("invalid") for a commit that is not a full sha; GitError when git refuses.
 */
export async function createCheckout(repo: Repo, taskId: string, commit: string): Promise<Checkout> {
  if (!SHA.test(commit)) throw new FleetError("invalid", `not a full commit sha: ${JSON.stringify(commit)}`);
  const parent = gateCheckoutsDir(repo);
  mkdirSync(parent, { recursive: true });
  const dir = path.join(parent, `${assertValidId(taskId)}-${randomBytes(4).toString("hex")}`);
  await ensureSealedClone(repo, dir, commit);
  return { dir, commit };
}

/** Runs the configured `setup` command line once in a fresh checkout (output appended to `logFile`). */
export function runSetup(
  checkout: Checkout,
  setup: string,
  opts: Omit<ShellOptions, "command" | "cwd">,
): Promise<ShellResult> {
  return runShell({ command: setup, cwd: checkout.dir, ...opts });
}

/** Removes a checkout (a clone: no git runs, nothing to unregister). Never throws. */
export async function removeCheckout(_repo: Repo, dir: string): Promise<void> {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // a leftover is removed with the task's next gate run (removeStaleCheckouts)
  }
}

/**
 * Removes checkouts left behind by an earlier gate run of `taskId` (a crash mid-gate). Safe while the
 * caller holds the task's claim: no other gate run of this task can be using them.
 */
export async function removeStaleCheckouts(repo: Repo, taskId: string): Promise<void> {
  const parent = gateCheckoutsDir(repo);
  if (!existsSync(parent)) return;
  const prefix = `${assertValidId(taskId)}-`;
  for (const name of readdirSync(parent)) {
    if (name.startsWith(prefix) && /^[0-9a-f]{8}$/.test(name.slice(prefix.length))) {
      await removeCheckout(repo, path.join(parent, name));
    }
  }
}

/**
 * Replaces the checkout's `.fleet/` with the one of `baseCommit`, so whatever the candidate (or a
 * build step) did to the acceptance files cannot matter. Files the candidate added under `.fleet/`
 * disappear; files it changed or deleted come back as the person approved them.
 */
export async function restoreFleetDir(checkout: Checkout, baseCommit: string): Promise<void> {
  if (!SHA.test(baseCommit)) throw new FleetError("invalid", `not a full commit sha: ${baseCommit}`);
  rmSync(path.join(checkout.dir, FLEET_DIR), { recursive: true, force: true });
  await git(["rm", "-r", "-q", "--cached", "--ignore-unmatch", "--", FLEET_DIR], { cwd: checkout.dir });
  const listed = await git(["ls-tree", "--name-only", baseCommit, "--", FLEET_DIR], { cwd: checkout.dir });
  if (listed.stdout.trim() !== "") {
    await git(["checkout", baseCommit, "--", FLEET_DIR], { cwd: checkout.dir });
  }
}
