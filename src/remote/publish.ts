/**
 * Publishing: making the remote's base branch hold this clone's fleet commits, and this clone's base
 * follow the remote's. One step does both, under the clone's commit lock:
 *
 * 1. the local commits not on the remote tip (as last fetched) are read with their trailers;
 * 2. a commit that lands a run (`Fleet-Task` + `Fleet-Epoch`) goes out only together with the release
 *    of that claim on the remote, under the lease of the claim commit the fetch saw at that epoch —
 *    so the remote itself refuses the result of a holder that was fenced off (another machine took
 *    the task over after its lease ran out). A landing whose epoch is no longer the remote's is dropped
 *    here, never pushed;
 * 3. when the remote moved (a person's push, another machine's landing), the local commits are
 *    replayed onto its tip (replay.ts) — never forced;
 * 4. one `git push --atomic` carries the base (leased on the tip we built on) and the claim releases;
 *    a refusal fetches and goes round again; a lost answer is settled by reading the remote, so a push
 *    is never made twice blind;
 * 5. the local base (and the work tree that has it checked out, for the changed paths only) moves to
 *    what the remote now holds.
 *
 * A local commit that is not fleet state (a person's own unpushed code commit) stops the step: the
 * fleet pushes only what it wrote.
 */

import { advanceBaseLocked } from "../coordinator/ship-advance.js";
import { FleetError } from "../errors.js";
import type { Repo } from "../git/repo.js";
import { git, gitText } from "../git/run-git.js";
import { parseTrailers } from "../git/trailers.js";
import { type RemoteClaim, type SeenClaim, writeClaimCommit } from "./claim-record.js";
import { ReplayConflict, replayOnto } from "./replay.js";
import { claimRef, fetchState, pushSettled, type RefUpdate, SEEN } from "./transport.js";

/** What publishing did. */
export interface Published {
  /** The base tip the remote and this clone now share. */
  tip: string;
  /** Landings dropped because the remote's claim had moved past their epoch: task id → epoch. */
  fenced: Array<{ task: string; epoch: number; commit: string }>;
  /** Local fleet commits that conflicted with the remote's and were dropped (the remote won). */
  dropped: string[];
  /** Commits pushed this time. */
  pushed: number;
}

/** What a publish needs to know about the remote and the claims it saw there. */
export interface PublishContext {
  repo: Repo;
  remote: string;
  base: string;
  /** The claims as last fetched (refreshed by {@link publishLocked} after each fetch). */
  claims(): Map<string, SeenClaim>;
  /** Re-reads the fetched claim refs into `claims()`. */
  reloadClaims(): Promise<void>;
  /** Called with each claim commit that reached the remote (a release). */
  pushedClaim(id: string, sha: string, claim: RemoteClaim): void;
}

/** How many times a refused push is fetched, replayed and tried again. */
const ROUNDS = 12;

interface Ahead {
  sha: string;
  task: string | null;
  epoch: number | null;
}

/** The commit ids of `refs` that exist (one `git for-each-ref`). */
async function refTips(repo: Repo, refs: readonly string[]): Promise<Map<string, string>> {
  const out = await git(["for-each-ref", "--format=%(refname) %(objectname)", ...refs], { cwd: repo.root });
  const found = new Map<string, string>();
  for (const line of out.stdout.split("\n")) {
    const [ref, sha] = line.split(" ");
    if (ref && sha && refs.includes(ref)) found.set(ref, sha);
  }
  return found;
}

/** Local commits not on `remoteTip`, oldest first, with their task and epoch trailers (one git log). */
async function aheadOf(repo: Repo, remoteTip: string, local: string): Promise<Ahead[]> {
  const out = await gitText(["log", "--reverse", "--format=%H%x00%B%x00%x00", `${remoteTip}..${local}`], {
    cwd: repo.root,
  });
  const found: Ahead[] = [];
  for (const entry of out.split("\0\0")) {
    const [sha, message = ""] = entry.replace(/^\n/, "").split("\0");
    if (!sha) continue;
    const t = parseTrailers(message);
    const epoch = t["Fleet-Epoch"] ? Number(t["Fleet-Epoch"]) : Number.NaN;
    found.push({ sha, task: t["Fleet-Task"] ?? null, epoch: Number.isInteger(epoch) ? epoch : null });
  }
  return found;
}

/**
 * Publishes and follows (see the module comment). The caller holds the commit lock.
 * @throws RemoteUnreachable when the remote does not answer; ReplayConflict when a local commit and the
 *   remote changed one file; FleetError("conflict") for a local commit that is not fleet state or a
 *   work tree in the way of the follow; GitError when git fails.
 */
export async function publishLocked(ctx: PublishContext): Promise<Published> {
  const { repo, remote, base } = ctx;
  const baseRef = `refs/heads/${base}`;
  const seenRef = SEEN.base(remote, base);
  const fenced: Published["fenced"] = [];
  const dropped: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const tips = await refTips(repo, [seenRef, baseRef]);
    const remoteTip = tips.get(seenRef);
    if (!remoteTip) throw new FleetError("git", `no fetched ${seenRef}: fetch ${remote} first`);
    const local = tips.get(baseRef) ?? remoteTip;
    const ahead = local === remoteTip ? [] : await aheadOf(repo, remoteTip, local);
    const claims = ctx.claims();
    const releases: RefUpdate[] = [];
    const released: Array<{ id: string; sha: string; claim: RemoteClaim }> = [];
    const keep: string[] = [];
    for (const c of ahead) {
      if (c.task === null || c.epoch === null) {
        keep.push(c.sha);
        continue;
      }
      const seen = claims.get(c.task);
      if (!seen?.claim || seen.claim.epoch !== c.epoch) {
        // The remote's claim is another epoch's (or none, or unreadable): this result was fenced off.
        if (!fenced.some((f) => f.commit === c.sha))
          fenced.push({ task: c.task, epoch: c.epoch, commit: c.sha });
        continue;
      }
      keep.push(c.sha);
      if (seen.claim.active && !released.some((r) => r.id === c.task)) {
        const claim: RemoteClaim = { ...seen.claim, active: false, phase: null };
        const sha = await writeClaimCommit(repo.root, claim, seen.sha);
        releases.push({ ref: claimRef(c.task), value: sha, expect: seen.sha });
        released.push({ id: c.task, sha, claim });
      }
    }
    let target: string;
    if (ahead.length === 0) target = remoteTip;
    else if (keep.length === ahead.length && (await isAncestor(repo, remoteTip, local))) {
      await checkFleetOnly(repo, keep);
      target = local;
    } else target = await replayDropping(repo, keep, remoteTip, dropped);
    if (target !== remoteTip || releases.length > 0) {
      const updates = [
        ...(target !== remoteTip ? [{ ref: baseRef, value: target, expect: remoteTip }] : []),
        ...releases,
      ];
      const landed = await pushSettled(repo.root, remote, updates);
      if (!landed) {
        await fetchState(repo.root, remote, base);
        await ctx.reloadClaims();
        continue;
      }
      await gitText(["update-ref", seenRef, target], { cwd: repo.root });
      for (const r of released) ctx.pushedClaim(r.id, r.sha, r.claim);
    }
    if (target !== local) await follow(repo, base, local, target);
    return { tip: target, fenced, dropped, pushed: keep.length - dropped.length };
  }
  throw new FleetError("conflict", `${remote}/${base} kept moving: ${ROUNDS} pushes were refused in a row`, {
    hint: "The daemon tries again at its next rescan.",
  });
}

async function isAncestor(repo: Repo, a: string, b: string): Promise<boolean> {
  const out = await git(["merge-base", "--is-ancestor", a, b], { cwd: repo.root, okCodes: [1] });
  return out.exitCode === 0;
}

/**
 * {@link replayOnto}, dropping each fleet commit that conflicts with the remote (the remote wins: its
 * state is the shared one; the dropped commit is kept under `refs/fleet/dropped/<sha>` for audit and
 * named in `dropped`). A commit outside `.fleet/` is never dropped: that error stands.
 */
async function replayDropping(
  repo: Repo,
  commits: string[],
  onto: string,
  dropped: string[],
): Promise<string> {
  let left = [...commits];
  for (;;) {
    try {
      return await replayOnto(repo, left, onto);
    } catch (err) {
      if (!(err instanceof ReplayConflict) || err.outside) throw err;
      await gitText(["update-ref", `refs/fleet/dropped/${err.commit}`, err.commit], { cwd: repo.root });
      dropped.push(err.commit);
      left = left.filter((c) => c !== err.commit);
    }
  }
}

/** Refuses to push a local commit that changes anything outside `.fleet/` (the person's own work). */
async function checkFleetOnly(repo: Repo, commits: readonly string[]): Promise<void> {
  for (const sha of commits) {
    const paths = await gitText(["diff-tree", "-r", "--no-commit-id", "--name-only", "--root", sha], {
      cwd: repo.root,
    });
    const outside = paths.split("\n").filter((p) => p && p !== ".fleet" && !p.startsWith(".fleet/"));
    if (outside.length > 0)
      throw new FleetError(
        "conflict",
        `the local base has a commit that is not fleet state (${sha.slice(0, 12)} changes ${outside[0]}): the fleet pushes only what it wrote`,
        { hint: "Push your own commits yourself (git push), then the fleet publishes its state again." },
      );
  }
}

/** Moves the local base from `from` to `to`, bringing the work tree that has it along. */
async function follow(repo: Repo, base: string, from: string, to: string): Promise<void> {
  const moved = await advanceBaseLocked(repo, { base, from, to, reason: "fleet: follow the remote" });
  if (moved.kind === "advanced") return;
  const why =
    moved.kind === "dirty"
      ? `uncommitted changes in ${moved.worktree} are in the way: ${moved.paths.slice(0, 5).join(", ")}`
      : moved.kind === "index-locked"
        ? `${moved.lock} is there`
        : `${base} moved to ${moved.now.slice(0, 12)} meanwhile`;
  throw new FleetError("conflict", `the local ${base} cannot follow the remote yet: ${why}`, {
    hint: "Commit or stash those changes; the daemon follows at its next rescan.",
  });
}
