/**
 * The git side of "the project's tests cannot be weakened silently" (`src/lifecycle/test-weakening.ts`):
 * what a squashed change does to each path, and to the test scripts of every `package.json` it touches.
 */
import type { Repo } from "../git/repo.js";
import { git } from "../git/run-git.js";
import { changedTestScripts, type PathChange, testWeakeningReason } from "../lifecycle/test-weakening.js";

/** Every path `to` changes compared with `from`, with its status (renames as delete + add). */
async function pathChanges(repo: Repo, from: string, to: string): Promise<PathChange[]> {
  const out = await git(["diff", "--name-status", "--no-renames", "-z", from, to, "--"], { cwd: repo.root });
  const parts = out.stdout.split("\0").filter(Boolean);
  const changes: PathChange[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2)
    changes.push({ status: parts[i] ?? "", path: parts[i + 1] ?? "" });
  return changes;
}

async function blob(repo: Repo, commit: string, file: string): Promise<string | null> {
  const out = await git(["cat-file", "blob", `${commit}:${file}`], { cwd: repo.root, okCodes: [128] });
  return out.exitCode === 0 ? out.stdout : null;
}

/**
 * Why the change from `from` to `to` needs a person before ship because it modifies or deletes
 * existing tests (`patterns`: `review.tests`) or changes a test script of a package.json, or null.
 * @throws GitError when git fails unexpectedly.
 */
export async function testsHoldReason(
  repo: Repo,
  patterns: readonly string[],
  from: string,
  to: string,
): Promise<string | null> {
  const changes = await pathChanges(repo, from, to);
  const scripts = new Map<string, string[]>();
  for (const c of changes) {
    if (c.path !== "package.json" && !c.path.endsWith("/package.json")) continue;
    scripts.set(c.path, changedTestScripts(await blob(repo, from, c.path), await blob(repo, to, c.path)));
  }
  return testWeakeningReason(patterns, changes, scripts);
}
