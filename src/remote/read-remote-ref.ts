/** The remote (design.md §5): reading one ref on the remote. May touch the git remote (ls-remote), nothing else. */
import { gitText } from "../git/run-git.js";

/**
 * The commit `ref` (a full ref name) points at on `remote`, or null when it does not exist there.
 * @throws GitError when the remote cannot be reached.
 */
export async function readRemoteRef(cwd: string, remote: string, ref: string): Promise<string | null> {
  const out = await gitText(["ls-remote", "--refs", remote, ref], { cwd });
  for (const line of out.split("\n")) {
    const [sha, name] = line.split("\t");
    if (name === ref && sha && /^[0-9a-f]{40}$/.test(sha)) return sha;
  }
  return null;
}
