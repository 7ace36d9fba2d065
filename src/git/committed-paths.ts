/** The paths a commit holds — every file and every folder above one — for the weak-check rule. */
import { git } from "./run-git.js";

/**
 * Every file path in `commit` and every folder on the way to one (`a/b/c.js` gives `a`, `a/b`,
 * `a/b/c.js`), relative to the repository root.
 * @throws GitError when `commit` is not a commit of the repository at `root`.
 */
export async function committedPaths(root: string, commit: string): Promise<Set<string>> {
  const out = await git(["ls-tree", "-r", "-z", "--name-only", "--full-tree", commit], { cwd: root });
  const paths = new Set<string>();
  for (const file of out.stdout.split("\0")) {
    if (file === "") continue;
    paths.add(file);
    for (let i = file.indexOf("/"); i !== -1; i = file.indexOf("/", i + 1)) paths.add(file.slice(0, i));
  }
  return paths;
}
