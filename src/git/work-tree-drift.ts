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
 * Compares the work tree at `root` with the tip of branch `base`: two git calls when HEAD is on
 * `base` (then `git status` against HEAD is the comparison with the tip), three otherwise.
 * @throws GitError when git fails unexpectedly.
 */
export function workTreeDrift(root: string, base: string): WorkTreeDrift {
  const env = { GIT_LITERAL_PATHSPECS: "1" };
  const refs = gitSync(["rev-parse", `refs/heads/${base}^{commit}`, "--symbolic-full-name", "HEAD"], {
    cwd: root,
    okCodes: [128],
  });
  const [tipLine = "", headLine = ""] = refs.stdout.split("\n");
  const headRef =
    refs.exitCode === 0
      ? headLine
      : gitSync(["symbolic-ref", "-q", "HEAD"], { cwd: root, okCodes: [1] }).stdout.trim();
  const head = headRef.startsWith("refs/heads/") ? headRef.slice("refs/heads/".length) : null;
  if (refs.exitCode !== 0) return { base, head, tip: null, changed: [] };
  const tip = tipLine.trim();
  let changed: string[];
  if (head === base) {
    const status = gitSync(["status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ...PATHS], {
      cwd: root,
      env,
    });
    // Entries are `XY path`; a rename adds its old path as the next entry, which is dropped here.
    changed = [];
    const parts = lines(status.stdout);
    for (let i = 0; i < parts.length; i++) {
      const entry = parts[i] ?? "";
      changed.push(entry.slice(3));
      if (entry[0] === "R" || entry[0] === "C") i++;
    }
  } else {
    const diff = gitSync(["diff", "--name-only", "--no-renames", "-z", tip, "--", ...PATHS], {
      cwd: root,
      env,
    });
    const untracked = gitSync(["ls-files", "--others", "--exclude-standard", "-z", "--", ...PATHS], {
      cwd: root,
      env,
    });
    changed = [...lines(diff.stdout), ...lines(untracked.stdout)];
  }
  return { base, head, tip, changed: [...new Set(changed)].sort() };
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
