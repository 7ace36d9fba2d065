/**
 * What the ship gates already judged. Gates read the code and a few fleet files (config, gate and
 * agent definitions, this task's acceptance checks) — not the rest of `.fleet/`, where every claim and
 * landing of every task commits. A candidate's **gate fingerprint** covers exactly what gates read, so
 * a base branch that moved only by fleet bookkeeping does not send the change through the gates again,
 * and a ship that had to wait (a person's dirty work tree) does not re-run them when it tries again.
 * Passes are remembered per task under `<git-common-dir>/fleet/cache/ship-gates/<id>.json`.
 */
import { createHash } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import type { Repo } from "../git/repo.js";
import { git } from "../git/run-git.js";
import { writeFileAtomically } from "../store/atomic-write.js";
import { assertValidId } from "../store/ids.js";
import { runtimePaths } from "../store/paths.js";
import type { GateResult } from "../store/schemas/run.js";

/** A remembered pass: the fingerprint, the gate names that passed on it, and their results. */
export interface GatePass {
  fingerprint: string;
  names: readonly string[];
  results: GateResult[];
}

/**
 * sha256 (hex) over the top-level tree entries of `commit` except `.fleet`, plus the entries of
 * `.fleet/config.md`, `.fleet/gates`, `.fleet/agents` and this task's acceptance file and folder.
 */
export async function gateFingerprint(repo: Repo, commit: string, taskId: string): Promise<string> {
  const top = await git(["ls-tree", "-z", commit], { cwd: repo.root });
  const code = top.stdout.split("\0").filter((e) => e !== "" && !e.endsWith("\t.fleet"));
  const read = [
    ".fleet/config.md",
    ".fleet/gates",
    ".fleet/agents",
    `.fleet/acceptance/${assertValidId(taskId)}.md`,
    `.fleet/acceptance/${taskId}`,
  ];
  const fleet = await git(["ls-tree", "-z", commit, "--", ...read], {
    cwd: repo.root,
    env: { GIT_LITERAL_PATHSPECS: "1" },
  });
  const entries = [...code, ...fleet.stdout.split("\0").filter(Boolean)];
  return createHash("sha256").update(entries.join("\n")).digest("hex");
}

function cacheFile(repo: Repo, taskId: string): string {
  return path.join(runtimePaths(repo.commonDir).cache, "ship-gates", `${assertValidId(taskId)}.json`);
}

/** The remembered pass for `fingerprint` and exactly these gate `names`, or null. */
export function readGatePass(
  repo: Repo,
  taskId: string,
  fingerprint: string,
  names: readonly string[],
): GatePass | null {
  try {
    const pass = JSON.parse(readFileSync(cacheFile(repo, taskId), "utf8")) as GatePass;
    const same = pass.fingerprint === fingerprint && JSON.stringify(pass.names) === JSON.stringify(names);
    return same ? pass : null;
  } catch {
    return null;
  }
}

/** Remembers a pass (replacing any earlier one of the task). */
export async function writeGatePass(repo: Repo, taskId: string, pass: GatePass): Promise<void> {
  await writeFileAtomically(cacheFile(repo, taskId), `${JSON.stringify(pass, null, 2)}\n`);
}

/** Forgets the task's remembered pass (after it shipped). */
export function forgetGatePass(repo: Repo, taskId: string): void {
  rmSync(cacheFile(repo, taskId), { force: true });
}
