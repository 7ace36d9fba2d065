/**
 * Replaying this clone's unpublished fleet commits onto the remote's newer base tip — the "rebase" of
 * a refused push, done in the object store (a private index; the work tree is not touched).
 *
 * Only fleet state commits are replayed: commits whose every path is under `.fleet/`. Each path a
 * commit changed must still be, on the new tip, what the commit found (the same blob and mode, or
 * absent): then the commit's version is taken. A path someone else changed too is a conflict — two
 * writers of one task file — and nothing is decided for them: {@link ReplayConflict} names the commit
 * and paths. A code commit (a ship) is never replayed: it was gated on one base and must be gated
 * again on another.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { FleetError } from "../errors.js";
import type { Repo } from "../git/repo.js";
import { git, gitText } from "../git/run-git.js";
import { FLEET_DIR, runtimePaths } from "../store/paths.js";

/** A replay that cannot be done without choosing between two writers. */
export class ReplayConflict extends FleetError {
  constructor(
    readonly commit: string,
    readonly paths: string[],
    why: string,
    /** True when the commit changes files outside `.fleet/` (not fleet state: never dropped). */
    readonly outside = false,
  ) {
    super("conflict", `cannot replay ${commit.slice(0, 12)} onto the remote's base: ${why}`, {
      hint: "Someone else changed the same files at the same time; fetch, look, and run the command again.",
    });
  }
}

interface Change {
  oldMode: string;
  newMode: string;
  oldSha: string;
  newSha: string;
  path: string;
}

const ZERO = /^0+$/;

/** `git diff-tree -r -z --raw parent commit`: each changed path with its old and new entry. */
async function changes(cwd: string, parent: string, commit: string): Promise<Change[]> {
  const out = await git(["diff-tree", "-r", "-z", "--no-renames", "--raw", parent, commit], { cwd });
  const fields = out.stdout.split("\0");
  const found: Change[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const meta = fields[i] ?? "";
    const m = /^:(\d+) (\d+) ([0-9a-f]+) ([0-9a-f]+) \w+$/.exec(meta.trim());
    const p = fields[i + 1];
    const [, oldMode = "", newMode = "", oldSha = "", newSha = ""] = m ?? [];
    if (m && p) found.push({ oldMode, newMode, oldSha, newSha, path: p });
  }
  return found;
}

/** The entries of `paths` in `tree`'s commit: path → "mode sha". */
async function entries(cwd: string, commit: string, paths: readonly string[]): Promise<Map<string, string>> {
  const out = await git(
    ["ls-tree", "-r", "-z", "--full-tree", commit, "--", ...paths.map((p) => `:(literal)${p}`)],
    {
      cwd,
    },
  );
  const found = new Map<string, string>();
  for (const entry of out.stdout.split("\0")) {
    const m = /^(\d+) \w+ ([0-9a-f]+)\t(.*)$/s.exec(entry);
    const [, mode, sha, p] = m ?? [];
    if (mode && sha && p) found.set(p, `${mode} ${sha}`);
  }
  return found;
}

/** Message and author of `commit`, for the replayed copy. */
async function authorship(
  cwd: string,
  commit: string,
): Promise<{ message: string; env: Record<string, string> }> {
  const out = await gitText(["show", "-s", "--format=%an%x00%ae%x00%aI%x00%B", commit], { cwd });
  const [name = "", email = "", date = "", ...rest] = out.split("\0");
  return {
    message: `${rest.join("\0").trimEnd()}\n`,
    env: { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_AUTHOR_DATE: date },
  };
}

/**
 * Replays `commits` (oldest first; each a fleet-only commit whose parent is the previous one) onto
 * `onto`. @returns the new tip (== `onto` when `commits` is empty).
 * @throws ReplayConflict for a code commit or a path changed on both sides; GitError when git fails.
 */
export async function replayOnto(repo: Repo, commits: readonly string[], onto: string): Promise<string> {
  const cwd = repo.root;
  let tip = onto;
  for (const commit of commits) {
    const parent = await gitText(["rev-parse", `${commit}^`], { cwd });
    const changed = await changes(cwd, parent, commit);
    if (changed.length === 0) continue;
    const outside = changed.filter((c) => c.path !== FLEET_DIR && !c.path.startsWith(`${FLEET_DIR}/`));
    if (outside.length > 0)
      throw new ReplayConflict(
        commit,
        outside.map((c) => c.path),
        "it changes files outside .fleet/ (a shipped change is gated again, not replayed)",
        true,
      );
    const now = await entries(
      cwd,
      tip,
      changed.map((c) => c.path),
    );
    const clash = changed.filter((c) => {
      const found = now.get(c.path);
      return ZERO.test(c.oldSha) ? found !== undefined : found !== `${c.oldMode} ${c.oldSha}`;
    });
    if (clash.length > 0)
      throw new ReplayConflict(
        commit,
        clash.map((c) => c.path),
        `${clash.map((c) => c.path).join(", ")} changed there too`,
      );
    const indexFile = path.join(
      runtimePaths(repo.commonDir).dir,
      `index-replay-${process.pid}-${Date.now()}`,
    );
    const env = { GIT_INDEX_FILE: indexFile };
    try {
      await git(["read-tree", tip], { cwd, env });
      const info = changed
        .map((c) =>
          ZERO.test(c.newSha) ? `0 ${c.newSha}\t${c.path}` : `${c.newMode} ${c.newSha}\t${c.path}`,
        )
        .join("\0");
      await git(["update-index", "-z", "--index-info"], { cwd, env, input: `${info}\0` });
      const tree = await gitText(["write-tree"], { cwd, env });
      const { message, env: author } = await authorship(cwd, commit);
      tip = await gitText(["commit-tree", tree, "-p", tip, "-F", "-"], { cwd, env: author, input: message });
    } finally {
      rmSync(indexFile, { force: true });
    }
  }
  return tip;
}
