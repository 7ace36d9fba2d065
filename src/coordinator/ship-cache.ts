/**
 * What the ship gates already judged. Gates read the code and a few fleet files (config, gate and
 * agent definitions, this task's acceptance checks) — not the rest of `.fleet/`, where every claim and
 * landing of every task commits. A candidate's **gate fingerprint** covers exactly what gates read, so
 * a base branch that moved only by fleet bookkeeping does not send the change through the gates again,
 * and a ship that had to wait (a person's dirty work tree) does not re-run them when it tries again.
 *
 * A skip is justified by content alone: what is remembered is the commit the gates judged — in this
 * process's memory, never in a file, which anything running as the same user could forge — and a
 * later candidate skips the gates only when the fingerprints of both commits, computed from their
 * trees by git, are equal. A restarted daemon (or each `fleet run`) judges again.
 */
import { createHash } from "node:crypto";
import type { Repo } from "../git/repo.js";
import { git } from "../git/run-git.js";
import { assertValidId } from "../store/ids.js";
import type { GateResult } from "../store/schemas/run.js";

/** A remembered pass: the commit judged, the gate names that passed on it, and their results. */
export interface GatePass {
  /** Full sha of the commit the gates passed. */
  judged: string;
  names: readonly string[];
  results: GateResult[];
}

/** Passes by `<git-common-dir>\0<task id>`: this process's own, so nothing outside it can add one. */
const passes = new Map<string, GatePass>();

const keyOf = (repo: Repo, taskId: string) => `${repo.commonDir}\0${assertValidId(taskId)}`;

/**
 * sha256 (hex) over the top-level tree entries of `commit` except `.fleet`, plus the entries of
 * `.fleet/config.md`, `.fleet/gates`, `.fleet/agents` and this task's acceptance file and folder.
 * @throws GitError when `commit` is not a commit of `repo`.
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

/**
 * The remembered pass of exactly these gate `names` on a commit whose gate fingerprint equals
 * `candidate`'s, or null.
 */
export async function findGatePass(
  repo: Repo,
  taskId: string,
  candidate: string,
  names: readonly string[],
): Promise<GatePass | null> {
  const pass = passes.get(keyOf(repo, taskId));
  if (!pass || JSON.stringify(pass.names) !== JSON.stringify(names)) return null;
  if (pass.judged === candidate) return pass;
  const [judged, now] = await Promise.all([
    gateFingerprint(repo, pass.judged, taskId),
    gateFingerprint(repo, candidate, taskId),
  ]);
  return judged === now ? pass : null;
}

/** Remembers a pass (replacing any earlier one of the task). */
export function rememberGatePass(repo: Repo, taskId: string, pass: GatePass): void {
  passes.set(keyOf(repo, taskId), pass);
}

/** Forgets the task's remembered pass (after it shipped). */
export function forgetGatePass(repo: Repo, taskId: string): void {
  passes.delete(keyOf(repo, taskId));
}
