/** Finding the repository: its work tree root and the git common directory (shared by all worktrees). */
import path from "node:path";
import { FleetError } from "../errors.js";
import { GitError, git, gitSync, gitText } from "./run-git.js";

/** A git work tree and its common directory, both absolute. */
export interface Repo {
  /** `git rev-parse --show-toplevel` */
  root: string;
  /** `git rev-parse --git-common-dir`, absolute: where runtime state lives. */
  commonDir: string;
}

/**
 * Finds the repository containing `cwd`.
 * @throws FleetError("not-found") when `cwd` is not inside a git work tree.
 */
export async function findRepo(cwd: string): Promise<Repo> {
  return findRepoSync(cwd);
}

/** {@link findRepo}, synchronously (one `git rev-parse`, ≈ 3 ms). */
export function findRepoSync(cwd: string): Repo {
  try {
    const out = gitSync(["rev-parse", "--show-toplevel", "--git-common-dir"], { cwd }).stdout.trim();
    const [root = "", common = ""] = out.split("\n");
    if (root === "") {
      throw new FleetError("not-found", `${cwd} is inside a git directory, not a work tree`, {
        hint: "cd into your project's work tree.",
      });
    }
    return { root, commonDir: path.resolve(cwd, common) };
  } catch (err) {
    if (err instanceof GitError) {
      throw new FleetError("not-found", `${cwd} is not inside a git repository`, {
        cause: err,
        hint: "Run `git init` first, or cd into your project.",
      });
    }
    throw err;
  }
}

/** The commit HEAD points at, or null on an unborn branch. */
export async function headCommit(cwd: string): Promise<string | null> {
  const out = await gitText(["rev-parse", "--verify", "-q", "HEAD"], { cwd, okCodes: [1] });
  return out === "" ? null : out;
}

/**
 * The identity git would commit with here (`user.name <user.email>`), or null when either is unset.
 * One `git config --get-regexp` for both; of several values (global, then local) the last wins, as
 * `git config user.name` answers.
 */
export async function gitIdentity(cwd: string): Promise<{ name: string; email: string } | null> {
  const out = await git(["config", "-z", "--get-regexp", "^user\\.(name|email)$"], { cwd, okCodes: [1] });
  const found: Record<string, string> = {};
  for (const entry of out.stdout.split("\0")) {
    const nl = entry.indexOf("\n");
    if (nl > 0) found[entry.slice(0, nl)] = entry.slice(nl + 1);
  }
  const name = found["user.name"]?.trim() ?? "";
  const email = found["user.email"]?.trim() ?? "";
  return name && email ? { name, email } : null;
}
