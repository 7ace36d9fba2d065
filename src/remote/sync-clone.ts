/**
 * The remote engine from a command (not the daemon): sync this clone with the remote named in
 * config.md — for `fleet sync`, for `fleet init --remote`, and after every command that committed
 * fleet state, so a person's `fleet approve` reaches the other machines at once.
 */
import { FleetError } from "../errors.js";
import { findRepo } from "../git/repo.js";
import { git } from "../git/run-git.js";
import { fleetPaths } from "../store/paths.js";
import { readConfig } from "../store/read-records.js";
import type { Published } from "./publish.js";
import { RemoteSession } from "./remote-session.js";

/** What a sync did: the remote, and what publish reported (null when config.md sets no remote). */
export interface CloneSync {
  remote: string | null;
  base: string;
  published: Published | null;
}

/**
 * Syncs the clone containing `cwd` with its remote (fetch, publish fleet commits, follow).
 * @returns `published: null` when config.md has `remote: null`.
 * @throws FleetError when the remote is unknown to git or does not answer; ReplayConflict; GitError.
 */
export async function syncClone(cwd: string): Promise<CloneSync> {
  const repo = await findRepo(cwd);
  const config = readConfig(fleetPaths(repo.root));
  if (!config.remote) return { remote: null, base: config.base, published: null };
  await requireRemote(repo.root, config.remote);
  const session = new RemoteSession(repo, {
    remote: config.remote,
    base: config.base,
    leaseMs: config.lease,
  });
  return { remote: config.remote, base: config.base, published: await session.sync() };
}

/** @throws FleetError("not-found") when git knows no remote `name` in this clone. */
export async function requireRemote(root: string, name: string): Promise<void> {
  const out = await git(["remote", "get-url", name], { cwd: root, okCodes: [2, 128] });
  if (out.exitCode !== 0)
    throw new FleetError(
      "not-found",
      `config.md names the remote ${JSON.stringify(name)}, which this clone does not have`,
      {
        hint: `Add it (git remote add ${name} <url>) or set remote: null in .fleet/config.md.`,
      },
    );
}

/**
 * After a command that committed fleet state: sync when a remote is set. Never throws.
 * @returns a warning line for the person, or null when there was nothing to say.
 */
export async function syncAfterCommand(cwd: string): Promise<string | null> {
  try {
    const done = await syncClone(cwd);
    if (!done.published) return null;
    const dropped = done.published.dropped.length;
    return dropped > 0
      ? `warning: ${done.remote} had changed the same files at the same time; its state won (your commit is kept as refs/fleet/dropped/${done.published.dropped[0]}). Look with fleet ls and run the command again.`
      : null;
  } catch (err) {
    return `warning: committed here, not yet on the remote: ${(err as Error).message}. \`fleet sync\` (or the daemon) pushes it later.`;
  }
}
