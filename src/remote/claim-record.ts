/**
 * A claim on the remote (README "The remote", v1): the ref `refs/fleet/claims/<id>` points at a
 * commit whose message is the claim as JSON and whose tree is empty; its parent is the claim commit it
 * replaced, so `git log refs/fleet/claims/<id>` is the task's claim history. One process makes a claim
 * commit (`git commit-tree`), and one reads every claim of a fetch (`git for-each-ref`).
 *
 * Everything read here came from the remote, which every machine (and every agent that ever reached
 * one) could write: a claim that does not parse is treated as expired, never as an error that stops
 * the daemon.
 */
import { z } from "zod";
import { git, gitText } from "../git/run-git.js";
import { isValidId } from "../store/ids.js";

/** The claim as the remote holds it. Times are ISO-8601 strings. */
export interface RemoteClaim {
  task: string;
  /** Grows with every claim of the task, on every machine. */
  epoch: number;
  /** Who holds it: `<host>:<pid>:<daemon id>`. */
  holder: string;
  /** The phase being run (null once released). */
  phase: string | null;
  /** False once released by a landing. */
  active: boolean;
  /** The lease: a claim not renewed by then may be taken over by another machine. */
  expires: string;
}

const claimSchema = z.object({
  task: z.string(),
  epoch: z.number().int().min(0),
  holder: z.string().max(300),
  phase: z.string().max(40).nullable(),
  active: z.boolean(),
  expires: z.string().max(40),
});

/** A claim read from a ref: its commit id (the lease a push must name) and what it says. */
export interface SeenClaim {
  sha: string;
  claim: RemoteClaim | null;
}

/** The empty tree's id per repository (`git mktree` of nothing writes it): every claim commit points at it. */
const emptyTrees = new Map<string, string>();

async function emptyTree(cwd: string): Promise<string> {
  let tree = emptyTrees.get(cwd);
  if (!tree) {
    tree = await gitText(["mktree"], { cwd, input: "" });
    emptyTrees.set(cwd, tree);
  }
  return tree;
}

/** Parses a claim commit's message; null when it is not a claim of `id` (treated as expired). */
export function parseClaim(id: string, message: string): RemoteClaim | null {
  try {
    const parsed = claimSchema.safeParse(JSON.parse(message));
    return parsed.success && parsed.data.task === id ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * True when `seen` stops another holder from claiming at `now` (ms since the epoch): an active claim
 * whose lease has not run out.
 */
export function isHeld(seen: SeenClaim | undefined, now: number): boolean {
  const c = seen?.claim;
  if (!c?.active) return false;
  const until = Date.parse(c.expires);
  return Number.isFinite(until) && until > now;
}

/**
 * Writes a claim commit (parent: `parent`, the claim it replaces) into `cwd`'s object store.
 * @returns its commit id. @throws GitError when git fails.
 */
export async function writeClaimCommit(
  cwd: string,
  claim: RemoteClaim,
  parent: string | null,
): Promise<string> {
  const tree = await emptyTree(cwd);
  return gitText(
    [
      "-c",
      "user.name=gitfleet",
      "-c",
      "user.email=gitfleet@localhost",
      "commit-tree",
      tree,
      ...(parent ? ["-p", parent] : []),
      "-F",
      "-",
    ],
    { cwd, input: `${JSON.stringify(claim)}\n` },
  );
}

/**
 * Every claim under `prefix` (e.g. the fetched `refs/fleet/seen/<remote>/claims`), by task id.
 * One `git for-each-ref`. A ref whose name is not a task id is ignored.
 */
export async function readClaimRefs(cwd: string, prefix: string): Promise<Map<string, SeenClaim>> {
  const out = await git(
    ["for-each-ref", "--format=%(refname)%00%(objectname)%00%(contents)%00%00", `${prefix}/`],
    { cwd },
  );
  const found = new Map<string, SeenClaim>();
  for (const entry of out.stdout.split("\0\0")) {
    const [ref, sha, message] = entry.replace(/^\n/, "").split("\0");
    if (!ref || !sha) continue;
    const id = ref.slice(prefix.length + 1);
    if (!isValidId(id)) continue;
    found.set(id, { sha, claim: parseClaim(id, message ?? "") });
  }
  return found;
}
