/**
 * `fleet init --remote <name>`: make a git remote this project's shared engine. config.md gets
 * `remote: <name>` (an existing config.md is edited in place, its comments kept, and committed), and
 * the remote gets the base branch: pushed as it is when the remote has none yet (the person asked for
 * it by naming the remote), else this clone syncs with it — which pushes fleet commits only.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { commitFleet } from "../git/commit-fleet.js";
import { findRepo } from "../git/repo.js";
import { git } from "../git/run-git.js";
import { fleetPaths, relativeToRoot } from "../store/paths.js";
import { readConfig } from "../store/read-records.js";
import { withStateLock } from "../store/state-lock.js";
import { type CloneSync, requireRemote, syncClone } from "./sync-clone.js";

/** What `--remote` did: whether config.md had to change, whether the base was pushed, the sync. */
export interface RemoteSetUp {
  remote: string;
  configured: string | null;
  pushedBase: boolean;
  sync: CloneSync | null;
}

/** Sets `remote:` in config.md text: the line replaced, or added after `base:` (or first). */
export function withRemoteLine(text: string, remote: string): string {
  if (/^remote:.*$/m.test(text)) return text.replace(/^remote:.*$/m, `remote: ${remote}`);
  if (/^base:.*$/m.test(text)) return text.replace(/^(base:.*)$/m, `$1\nremote: ${remote}`);
  return text.replace(/^---\n/, `---\nremote: ${remote}\n`);
}

/**
 * Points the project at remote `name` (see the module comment).
 * @throws FleetError("not-found") for a remote git does not know; FleetError/GitError when pushing fails.
 */
export async function setUpRemote(cwd: string, name: string): Promise<RemoteSetUp> {
  const repo = await findRepo(cwd);
  await requireRemote(repo.root, name);
  const paths = fleetPaths(repo.root);
  let configured: string | null = null;
  if (readConfig(paths).remote !== name) {
    configured = await withStateLock(repo.commonDir, async () => {
      writeFileSync(paths.config, withRemoteLine(readFileSync(paths.config, "utf8"), name));
      return commitFleet(repo, {
        event: { task: "fleet", phase: "fleet", event: "configured", body: `remote: ${name}` },
        paths: [relativeToRoot(repo.root, paths.config)],
      });
    });
  }
  const base = readConfig(paths).base;
  const there = await git(["ls-remote", "--exit-code", name, `refs/heads/${base}`], {
    cwd: repo.root,
    okCodes: [2],
  });
  if (there.exitCode === 2) {
    await git(["push", "--quiet", name, `refs/heads/${base}:refs/heads/${base}`], { cwd: repo.root });
    return { remote: name, configured, pushedBase: true, sync: await syncClone(repo.root) };
  }
  return { remote: name, configured, pushedBase: false, sync: await syncClone(path.resolve(repo.root)) };
}
