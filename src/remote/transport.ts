/**
 * Talking to the remote: the three git calls the remote engine makes — an atomic push of several refs,
 * each under a lease; a fetch of the base branch and the claim refs; and `ls-remote` to read the
 * remote's truth after an answer was lost. Each is one git process with the daemon's hardened
 * environment, plus what an ssh transport needs to reach the person's agent (`SSH_AUTH_SOCK`).
 *
 * Pushes use `git push --porcelain --atomic --force-with-lease=<ref>:<expect>` (git-push(1)): the
 * remote applies every ref or none, and each only if it still holds what we expect — a
 * compare-and-swap done by the remote itself. `--porcelain` prints one line per ref (`!` rejected,
 * `=` up to date, ` `/`+`/`*`/`-` done), which is how a refusal is told from a transport failure.
 */
import { FleetError } from "../errors.js";
import { type GitResult, git } from "../git/run-git.js";

/** One ref to set on the remote: to `value` (a commit id), only if it now holds `expect` (null: absent). */
export interface RefUpdate {
  ref: string;
  value: string;
  expect: string | null;
}

/** How a push went: applied, refused by the remote (a lease failed or a ref moved), or not known. */
export type PushResult =
  | { kind: "pushed" }
  /** The remote refused: `refs` are the refs it named as the reason (stale lease, non-fast-forward). */
  | { kind: "refused"; refs: string[]; detail: string }
  /** The transport failed: the push may or may not have landed (read the remote to know). */
  | { kind: "unknown"; detail: string };

/** Extra variables an ssh remote needs, passed on when set. */
const TRANSPORT_ENV = ["SSH_AUTH_SOCK", "GIT_SSH_COMMAND", "GIT_SSH"];

function transportEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of TRANSPORT_ENV) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** A transport failure git reports (no answer from the remote): the push's fate is unknown. */
export class RemoteUnreachable extends FleetError {
  constructor(remote: string, detail: string) {
    super("git", `cannot reach the remote ${remote}: ${detail}`, {
      hint: `Check \`git ls-remote ${remote}\` from this clone; the daemon keeps trying.`,
    });
  }
}

/**
 * Pushes `updates` to `remote` atomically, each under its lease.
 * @returns pushed / refused (with the refs the remote named) / unknown (transport failure).
 */
export async function pushAtomic(
  cwd: string,
  remote: string,
  updates: readonly RefUpdate[],
): Promise<PushResult> {
  if (updates.length === 0) return { kind: "pushed" };
  const leases = updates.map((u) => `--force-with-lease=${u.ref}:${u.expect ?? ""}`);
  const specs = updates.map((u) => `${u.value}:${u.ref}`);
  const out = await git(["push", "--porcelain", "--atomic", "--no-verify", ...leases, remote, ...specs], {
    cwd,
    env: transportEnv(),
    okCodes: [1, 128],
  });
  const lines = out.stdout.split("\n");
  const rejected: string[] = [];
  let done = 0;
  for (const line of lines) {
    const m = /^([!=+* -])\t([^\t]*):([^\t]*)\t?(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === "!") {
      // With --atomic, refs that were fine are reported "[rejected] (atomic push failed)".
      if (!/atomic push failed/.test(m[4] ?? "")) rejected.push(m[3] ?? "");
    } else done++;
  }
  if (out.exitCode === 0 && done === updates.length) return { kind: "pushed" };
  if (rejected.length > 0 || (out.exitCode === 1 && /\[rejected\]|stale info|atomic/.test(out.stdout)))
    return { kind: "refused", refs: rejected, detail: firstLine(out.stdout, out.stderr) };
  return { kind: "unknown", detail: firstLine(out.stderr, out.stdout) };
}

/**
 * {@link pushAtomic}, with a lost answer settled by reading the remote (`git ls-remote`): the push
 * landed when every ref there now holds its new value. A push is thereby never made twice blind.
 * @returns true when every update is on the remote. @throws RemoteUnreachable when, after a lost
 *   answer, the remote cannot be read either.
 */
export async function pushSettled(
  cwd: string,
  remote: string,
  updates: readonly RefUpdate[],
): Promise<boolean> {
  const result = await pushAtomic(cwd, remote, updates);
  if (result.kind !== "unknown") return result.kind === "pushed";
  const truth = await readRemoteRefs(
    cwd,
    remote,
    updates.map((u) => u.ref),
  );
  return updates.every((u) => truth.get(u.ref) === u.value);
}

function firstLine(...texts: string[]): string {
  for (const t of texts) {
    const line = t
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l && l !== "Done" && !l.startsWith("To "));
    if (line) return line.replace(/^fatal: /, "");
  }
  return "no answer";
}

/**
 * The remote's current value of each of `refs` (`git ls-remote`), for reading the truth after a lost
 * answer. @returns ref → commit id; a ref absent there is absent from the map.
 * @throws RemoteUnreachable when the remote does not answer.
 */
export async function readRemoteRefs(
  cwd: string,
  remote: string,
  refs: readonly string[],
): Promise<Map<string, string>> {
  const out = await git(["ls-remote", remote, ...refs], { cwd, env: transportEnv(), okCodes: [2, 128] });
  if (out.exitCode === 128) throw new RemoteUnreachable(remote, firstLine(out.stderr));
  const found = new Map<string, string>();
  for (const line of out.stdout.split("\n")) {
    const [sha, ref] = line.split("\t");
    if (sha && ref && refs.includes(ref)) found.set(ref, sha);
  }
  return found;
}

/** Where fetched remote state is kept in the local repository (never pushed back). */
export const SEEN = {
  /** The remote base branch as last fetched: the standard remote-tracking ref. */
  base: (remote: string, base: string) => `refs/remotes/${remote}/${base}`,
  /** The remote's claim refs as last fetched. */
  claims: (remote: string) => `refs/fleet/seen/${remote}/claims`,
};

/** The remote's claim ref of task `id` (v1 layout: README "The remote"). */
export function claimRef(id: string): string {
  return `refs/fleet/claims/${id}`;
}

/**
 * One `git fetch --quiet --prune --no-tags --no-write-fetch-head <remote> <refspecs…>` with the
 * transport's environment. @returns what git printed and its exit code (0, 1 or 128: the caller reads them).
 */
export function fetchRefspecs(cwd: string, remote: string, refspecs: readonly string[]): Promise<GitResult> {
  return git(["fetch", "--quiet", "--prune", "--no-tags", "--no-write-fetch-head", remote, ...refspecs], {
    cwd,
    env: transportEnv(),
    okCodes: [1, 128],
  });
}

/**
 * Fetches the remote base branch and every claim ref into {@link SEEN} (one `git fetch --prune`).
 * @throws RemoteUnreachable when the remote does not answer; GitError for other failures.
 */
export async function fetchState(cwd: string, remote: string, base: string): Promise<void> {
  const out = await fetchRefspecs(cwd, remote, [
    `+refs/heads/${base}:${SEEN.base(remote, base)}`,
    `+refs/fleet/claims/*:${SEEN.claims(remote)}/*`,
  ]);
  if (out.exitCode !== 0) {
    // A remote with no claims yet and no base branch is "couldn't find remote ref": not a failure.
    if (/couldn't find remote ref refs\/heads\//.test(out.stderr))
      throw new FleetError("git", `the remote ${remote} has no branch ${base}`, {
        hint: `Push it once: git push ${remote} ${base}`,
      });
    throw new RemoteUnreachable(remote, firstLine(out.stderr));
  }
}

/**
 * Puts this machine's `refs/heads/fleet/<id>` (an implement run's result, `sha`) on the remote, so
 * another machine can ship it. The branch is the task's own: a newer run replaces it (`+`).
 * @returns the push result (refused only when the remote forbids the update).
 */
export function pushTaskBranch(cwd: string, remote: string, id: string, sha: string): Promise<PushResult> {
  const ref = `refs/heads/fleet/${id}`;
  return git(["push", "--porcelain", "--no-verify", remote, `+${sha}:${ref}`], {
    cwd,
    env: transportEnv(),
    okCodes: [1, 128],
  }).then((out) =>
    out.exitCode === 0
      ? { kind: "pushed" as const }
      : out.exitCode === 1
        ? { kind: "refused" as const, refs: [ref], detail: firstLine(out.stdout, out.stderr) }
        : { kind: "unknown" as const, detail: firstLine(out.stderr) },
  );
}

/**
 * Fetches the remote's `refs/heads/fleet/<id>` into this clone (an implement run made on another
 * machine), when this clone's branch is not at `want`.
 * @returns true when the local branch is at `want` afterwards.
 */
export async function fetchTaskBranch(
  cwd: string,
  remote: string,
  id: string,
  want: string,
): Promise<boolean> {
  const ref = `refs/heads/fleet/${id}`;
  const have = await git(["rev-parse", "--verify", "-q", ref], { cwd, okCodes: [1] });
  if (have.stdout.trim() === want) return true;
  await git(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", remote, `+${ref}:${ref}`], {
    cwd,
    env: transportEnv(),
    okCodes: [1, 128],
  });
  const now = await git(["rev-parse", "--verify", "-q", ref], { cwd, okCodes: [1] });
  return now.stdout.trim() === want;
}

/**
 * True when the remote's base and claim refs are exactly what the last fetch stored (one `git
 * ls-remote` and one `git for-each-ref`): then a fetch would bring nothing.
 * @throws RemoteUnreachable when the remote does not answer.
 */
export async function remoteUnchanged(cwd: string, remote: string, base: string): Promise<boolean> {
  const out = await git(["ls-remote", remote, `refs/heads/${base}`, "refs/fleet/claims/*"], {
    cwd,
    env: transportEnv(),
    okCodes: [128],
  });
  if (out.exitCode === 128) throw new RemoteUnreachable(remote, firstLine(out.stderr));
  const there = out.stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const [sha, ref = ""] = l.split("\t");
      return `${sha} ${ref === `refs/heads/${base}` ? "base" : ref.slice("refs/fleet/claims/".length)}`;
    })
    .sort();
  const seen = await git(
    ["for-each-ref", "--format=%(objectname) %(refname)", SEEN.base(remote, base), `${SEEN.claims(remote)}/`],
    { cwd },
  );
  const here = seen.stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const [sha, ref = ""] = l.split(" ");
      return `${sha} ${ref === SEEN.base(remote, base) ? "base" : ref.slice(SEEN.claims(remote).length + 1)}`;
    })
    .sort();
  return there.length === here.length && there.every((x, i) => x === here[i]);
}

/** Deletes `refs/heads/fleet/<id>` on the remote (`git push <remote> :<ref>`); a missing branch is fine. */
export async function deleteTaskBranch(cwd: string, remote: string, id: string): Promise<void> {
  await git(["push", "--quiet", "--no-verify", remote, `:refs/heads/fleet/${id}`], {
    cwd,
    env: transportEnv(),
    okCodes: [1, 128],
  });
}
