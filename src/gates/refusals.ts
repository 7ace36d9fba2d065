/**
 * Refusals come before any gate: a candidate whose diff touches `.fleet/` (the coordinator's state,
 * the acceptance checks, run records) or a path the owner marked `protected` in `config.md` is
 * rejected outright, with every offending path named. Nothing of it runs. Paths come from git's own
 * diff (`-z`, renames split into delete + add so both names count).
 */
import { git } from "../git/run-git.js";
import { FLEET_DIR } from "../store/paths.js";
import { matchingGlobs } from "./match-glob.js";

/** One path the candidate may not change, and why. */
export interface Refusal {
  path: string;
  why: string;
}

function fleetReason(file: string): string {
  const rest = file.slice(FLEET_DIR.length + 1);
  const folder = rest.split("/")[0] ?? "";
  switch (folder) {
    case "acceptance":
      return "acceptance checks are fixed before implementation and only a person changes them";
    case "queue":
      return "task state is written by the coordinator alone";
    case "runs":
      return "run records are written by the coordinator alone";
    case "plans":
    case "research":
      return "plans and research are approved records";
    default:
      return ".fleet/ is the coordinator's state, never part of a change";
  }
}

/** The refusals for a list of changed paths (pure). `protectedGlobs` from `config.md` `protected`. */
export function refusalsFor(paths: readonly string[], protectedGlobs: readonly string[]): Refusal[] {
  const out: Refusal[] = [];
  for (const file of paths) {
    if (file === FLEET_DIR || file.startsWith(`${FLEET_DIR}/`)) {
      out.push({ path: file, why: fleetReason(file) });
      continue;
    }
    const globs = matchingGlobs(file, protectedGlobs);
    if (globs.length > 0)
      out.push({ path: file, why: `protected by \`${globs.join("`, `")}\` in config.md` });
  }
  return out;
}

/** Paths that differ between two commits (full shas or refs), without rename detection. */
export async function changedPaths(cwd: string, from: string, to: string): Promise<string[]> {
  const out = await git(["diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", from, to, "--"], {
    cwd,
  });
  return out.stdout.split("\0").filter(Boolean);
}

/** Refusals for the change from `base` to `candidate`. @throws GitError for unknown commits. */
export async function findRefusals(
  cwd: string,
  base: string,
  candidate: string,
  protectedGlobs: readonly string[],
): Promise<Refusal[]> {
  return refusalsFor(await changedPaths(cwd, base, candidate), protectedGlobs);
}

/** Feedback naming every refused path; the agent is told to undo exactly those changes. */
export function refusalFeedback(refusals: readonly Refusal[]): string {
  const lines = refusals.map((r) => `- ${r.path} — ${r.why}`);
  return `Refused before any gate ran: the change touches ${refusals.length === 1 ? "a path" : `${refusals.length} paths`} it may not change:\n${lines.join("\n")}\n\nRestore ${refusals.length === 1 ? "it" : "them"} to the base version (e.g. \`git checkout <base> -- <path>\`, or delete files you added) and solve the task without changing ${refusals.length === 1 ? "it" : "them"}.`;
}
