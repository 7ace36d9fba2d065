/**
 * Where the person's work tree and what the daemon uses part ways: the daemon reads config.md,
 * agents/ and gates/ from the tip of the base branch (src/coordinator/definitions.ts), so an
 * uncommitted edit there does not apply yet; and a HEAD on another branch than `base` shows files the
 * daemon does not work on. Read with a few quick synchronous git calls, for `fleet doctor`, `fleet ls`
 * and `fleet watch` at start.
 */
import { gitSync } from "./run-git.js";

/** How the work tree compares with the base tip. */
export interface WorkTreeDrift {
  base: string;
  /** The branch HEAD is on, or null when HEAD is detached. */
  head: string | null;
  /** The base tip (full sha), or null when the base branch does not exist. */
  tip: string | null;
  /** Definition files (relative paths) whose work-tree content differs from the base tip, or that are untracked. */
  changed: string[];
}

const PATHS = [".fleet/config.md", ".fleet/agents", ".fleet/gates"];

function lines(out: string): string[] {
  return out.split("\0").filter(Boolean);
}

/**
 * Compares the work tree at `root` with the tip of branch `base`.
 * @throws GitError when git fails unexpectedly.
 */
export function workTreeDrift(root: string, base: string): WorkTreeDrift {
  const env = { GIT_LITERAL_PATHSPECS: "1" };
  const head = gitSync(["symbolic-ref", "-q", "--short", "HEAD"], { cwd: root, okCodes: [1] }).stdout.trim();
  const tip = gitSync(["rev-parse", "--verify", "-q", `refs/heads/${base}^{commit}`], {
    cwd: root,
    okCodes: [1, 128],
  }).stdout.trim();
  if (tip === "") return { base, head: head || null, tip: null, changed: [] };
  const diff = gitSync(["diff", "--name-only", "--no-renames", "-z", tip, "--", ...PATHS], {
    cwd: root,
    env,
  });
  const untracked = gitSync(["ls-files", "--others", "--exclude-standard", "-z", "--", ...PATHS], {
    cwd: root,
    env,
  });
  const changed = [...new Set([...lines(diff.stdout), ...lines(untracked.stdout)])].sort();
  return { base, head: head || null, tip, changed };
}

/** One sentence per way the work tree parts from what the daemon uses ([] when it does not). */
export function describeDrift(drift: WorkTreeDrift): string[] {
  const out: string[] = [];
  if (drift.head !== drift.base) {
    out.push(
      `HEAD is on ${drift.head ? `branch ${drift.head}` : "a detached commit"}, not on the base branch ${drift.base}: the daemon works on ${drift.base} and ships to it`,
    );
  }
  if (drift.tip && drift.changed.length > 0) {
    out.push(
      `${drift.changed.join(", ")} ${drift.changed.length === 1 ? "differs" : "differ"} from ${drift.base} (${drift.tip.slice(0, 12)}), whose definitions the daemon uses: commit to apply`,
    );
  }
  return out;
}
