/**
 * `.fleet/` files as they are in one commit, for code that must judge by committed content rather
 * than the person's work tree: the chosen paths are written from git's objects into a private
 * temporary folder (through a private index, so the person's index and files are never touched),
 * read there with the ordinary readers, and removed afterwards.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import type { Repo } from "../git/repo.js";
import { git, gitText } from "../git/run-git.js";
import { runtimePaths } from "../store/paths.js";

/**
 * Calls `read(root)` with a folder `root` holding exactly the files of `commit` under `pathspecs`
 * (literal paths relative to the repository root, each under `.fleet/`; a folder ends with `/`),
 * at their usual places; a path missing at `commit` is missing there too. The folder is removed
 * when `read` settles.
 * @throws GitError when `commit` is not a commit of `repo`; whatever `read` throws.
 */
export async function withFleetFilesAt<T>(
  repo: Repo,
  commit: string,
  pathspecs: readonly string[],
  read: (root: string) => T | Promise<T>,
): Promise<T> {
  const tmpRoot = path.join(runtimePaths(repo.commonDir).dir, "tmp");
  mkdirSync(tmpRoot, { recursive: true });
  const dir = mkdtempSync(path.join(tmpRoot, "at-"));
  try {
    const env = { GIT_INDEX_FILE: path.join(dir, "index"), GIT_LITERAL_PATHSPECS: "1" };
    const root = path.join(dir, "tree");
    mkdirSync(root);
    await git(["read-tree", "--empty"], { cwd: repo.root, env });
    const hasFleet = await gitText(["ls-tree", "--name-only", commit, "--", ".fleet"], {
      cwd: repo.root,
      env,
    });
    if (hasFleet !== "") {
      await git(["read-tree", "--prefix=.fleet/", `${commit}:.fleet`], { cwd: repo.root, env });
      const files = await gitText(["ls-files", "-z", "--", ...pathspecs], { cwd: repo.root, env });
      const list = files.split("\0").filter(Boolean);
      if (list.length > 0) {
        await git(["checkout-index", "-f", "-q", `--prefix=${root}/`, "--", ...list], {
          cwd: repo.root,
          env,
        });
      }
    }
    return await read(root);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
