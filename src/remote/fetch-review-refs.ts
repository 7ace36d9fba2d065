/**
 * The remote (design.md §5): the one fetch per reconcile that tells whether review branches were
 * merged. May touch the git remote (fetch) and the clone's `refs/remotes/<remote>/` refs, nothing else.
 */
import { fetchRefspecs } from "./transport.js";

/** Where a fetched remote branch is kept in this clone: `refs/remotes/<remote>/<branch>`. */
export function trackingRef(remote: string, branch: string): string {
  return `refs/remotes/${remote}/${branch}`;
}

/**
 * Fetches the base branch and every `fleet/*` branch of `remote` into {@link trackingRef}s, pruning
 * the `fleet/*` ones that are gone there (a person deleted the branch, or the forge did after a merge):
 * `git fetch --prune --no-tags <remote> +refs/heads/<base>:… +refs/heads/fleet/*:…`. One round trip.
 * @returns null when it worked, else why not (the remote is unreachable): one sentence.
 */
export async function fetchReviewRefs(cwd: string, remote: string, base: string): Promise<string | null> {
  const out = await fetchRefspecs(cwd, remote, [
    `+refs/heads/${base}:${trackingRef(remote, base)}`,
    `+refs/heads/fleet/*:${trackingRef(remote, "fleet/*")}`,
  ]);
  if (out.exitCode === 0) return null;
  const said = out.stderr.trim().split("\n").slice(-2).join(" ").slice(0, 300);
  return `fetching ${base} and fleet/* from ${remote} failed (exit ${out.exitCode}): ${said || "no message"}`;
}
