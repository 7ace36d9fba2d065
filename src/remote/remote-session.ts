/**
 * One daemon's (or one command's) link to the remote: what it last saw there, the claims it holds,
 * and the three things it does — sync (fetch, then publish and follow), claim (a compare-and-swap
 * push of a claim ref), renew (the same, extending the lease). The remote engine's public entry point;
 * README "The remote" documents the ref layout as a v1 contract.
 *
 * Clocks: a lease is an absolute time written by its holder and judged by the others' clocks, so the
 * lease must be much longer than the machines' clock skew (NTP keeps it to milliseconds; the default
 * lease is 60 s). Correctness never rests on the clock: a holder whose lease ran out and whose claim
 * was taken over finds its landing refused by the remote (the claim ref moved under the push's lease).
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { type AdvanceResult, advanceBaseLocked, withCommitLock } from "../coordinator/ship-advance.js";
import { readDeferred } from "../git/deferred-commits.js";
import type { Repo } from "../git/repo.js";
import { git, gitText } from "../git/run-git.js";
import { carryOverState } from "./carry-over-state.js";
import { isHeld, type RemoteClaim, readClaimRefs, type SeenClaim, writeClaimCommit } from "./claim-record.js";
import { type Published, publishLocked } from "./publish.js";
import { claimRef, fetchState, pushSettled, remoteUnchanged, SEEN } from "./transport.js";

/** Where the remote is and how long claims last. */
export interface RemoteOptions {
  /** The git remote's name (config.md `remote:`). */
  remote: string;
  /** The base branch (config.md `base:`). */
  base: string;
  /** config.md `lease:`, ms. */
  leaseMs: number;
  now?: () => Date;
}

/** A daemon's link to the remote. */
export class RemoteSession {
  /** Who this process is on the remote: `<host>:<pid>:<random>`, distinct for every daemon start. */
  readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private seen = new Map<string, SeenClaim>();
  private readonly now: () => Date;
  /** Serialises this session's remote steps: a fetch never overwrites what a claim push just learned. */
  private queue: Promise<unknown> = Promise.resolve();
  /** True once this session fetched: until then every sync fetches. */
  private fetched = false;
  /** Claims kept across a hand-over that committed nothing yet (renewed by {@link sync}). */
  private readonly kept = new Set<string>();

  constructor(
    readonly repo: Repo,
    readonly opts: RemoteOptions,
  ) {
    this.now = opts.now ?? (() => new Date());
  }

  /**
   * Fetches the remote base and claims, then publishes this clone's unpublished fleet commits and
   * brings the local base along (publish.ts). Holds the commit lock throughout.
   * @throws RemoteUnreachable, ReplayConflict, FleetError, GitError (see publishLocked).
   */
  sync(): Promise<Published> {
    return this.serial(() =>
      withCommitLock(this.repo, async () => {
        // Most rescans find nothing new: then no fetch, and nothing to publish unless this clone committed.
        const quiet =
          this.fetched && (await remoteUnchanged(this.repo.root, this.opts.remote, this.opts.base));
        if (!quiet) {
          await fetchState(this.repo.root, this.opts.remote, this.opts.base);
          await this.reload();
          this.fetched = true;
        }
        const published = await publishLocked(this.context());
        await this.renewKept();
        return published;
      }),
    );
  }

  /**
   * Keeps this session's claim on task `id` alive while no run holds it: a hand-over (research done,
   * implement done) whose result waits uncommitted for the task's next commit. The next phase then
   * runs here; if this daemon dies meanwhile, the lease runs out and another machine redoes the phase.
   */
  keep(id: string): void {
    if (this.held(id)) this.kept.add(id);
  }

  /**
   * Renews kept claims whose lease is half gone; forgets those no longer ours, and releases those
   * whose hand-over some commit has carried meanwhile (a person's command may carry it too).
   */
  private async renewKept(): Promise<void> {
    const now = this.now().getTime();
    for (const id of [...this.kept]) {
      const claim = this.held(id);
      const seen = this.seen.get(id);
      if (!claim || !seen) {
        this.kept.delete(id);
        continue;
      }
      if (!readDeferred(this.repo.commonDir, id)) {
        this.kept.delete(id);
        await this.swap(id, seen.sha, { ...claim, active: false, phase: null });
        continue;
      }
      if (Date.parse(claim.expires) - now > this.opts.leaseMs / 2) continue;
      if (!(await this.swap(id, seen.sha, claim))) this.kept.delete(id);
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => {});
    return next;
  }

  /** Publishes without fetching first (after a local commit); a refused push fetches by itself. */
  publish(): Promise<Published> {
    return this.serial(() =>
      withCommitLock(this.repo, async () => {
        if (this.seen.size === 0) await this.reload();
        return publishLocked(this.context());
      }),
    );
  }

  /** Tasks another holder has claimed on the remote, with a lease still running (as last fetched). */
  heldElsewhere(): Set<string> {
    const now = this.now().getTime();
    const out = new Set<string>();
    for (const [id, seen] of this.seen)
      if (isHeld(seen, now) && seen.claim?.holder !== this.holder) out.add(id);
    return out;
  }

  /** The highest epoch the remote has seen for task `id` (0 when never claimed there). */
  epochOf(id: string): number {
    return this.seen.get(id)?.claim?.epoch ?? 0;
  }

  /** The claim this session holds on task `id`, as last pushed, or null. */
  held(id: string): RemoteClaim | null {
    const c = this.seen.get(id)?.claim;
    return c?.active && c.holder === this.holder ? c : null;
  }

  /**
   * True when the work tree's file `rel` (relative to the root) is what the remote's base held at the
   * last fetch — or when this session holds task `id`'s claim (its own results may be ahead there).
   * A claim is decided from the work tree; this keeps a clone that lags behind the remote from
   * claiming a task the remote has moved on.
   */
  async agreesWithRemote(id: string, rel: string): Promise<boolean> {
    if (this.held(id)) return true;
    const cwd = this.repo.root;
    const [there, here] = await Promise.all([
      git(["rev-parse", "--verify", "-q", `${SEEN.base(this.opts.remote, this.opts.base)}:${rel}`], {
        cwd,
        okCodes: [1, 128],
      }),
      git(["hash-object", "--", rel], { cwd, okCodes: [128] }),
    ]);
    return there.exitCode === 0 && here.exitCode === 0 && there.stdout.trim() === here.stdout.trim();
  }

  /**
   * Claims task `id` on the remote for `phase` at `epoch` (larger than {@link epochOf}): one push that
   * succeeds only if the claim ref is still what the last fetch saw. Of several machines claiming at
   * once exactly one wins. @returns true when this session now holds the claim.
   * @throws RemoteUnreachable when the remote does not answer.
   */
  async claim(id: string, phase: string, epoch: number): Promise<boolean> {
    return this.serial(() => {
      const seen = this.seen.get(id);
      if (isHeld(seen, this.now().getTime()) && seen?.claim?.holder !== this.holder)
        return Promise.resolve(false);
      this.kept.delete(id);
      return this.swap(id, seen?.sha ?? null, {
        task: id,
        epoch,
        holder: this.holder,
        phase,
        active: true,
        expires: "",
      });
    });
  }

  /**
   * Extends the lease of this session's claim on task `id`. @returns false when the claim is no
   * longer ours on the remote (taken over, released): the run must stop.
   */
  async renew(id: string): Promise<boolean> {
    return this.serial(async () => {
      const seen = this.seen.get(id);
      const claim = this.held(id);
      if (!seen || !claim) return false;
      return this.swap(id, seen.sha, claim);
    });
  }

  /** Releases this session's claim on task `id` without landing anything (a run that ended with nothing to land). */
  async release(id: string): Promise<boolean> {
    return this.serial(async () => {
      const seen = this.seen.get(id);
      const claim = this.held(id);
      if (!seen || !claim) return false;
      return this.swap(id, seen.sha, { ...claim, active: false, phase: null });
    });
  }

  /**
   * Ships `commit` (a squashed, gated change whose parent is `from`) to the remote base: one atomic
   * push of the base, leased on `from`, and a renewal of this session's claim on task `id`, leased on
   * the claim as last pushed — so a holder fenced off cannot ship. First this clone's own fleet
   * commits are published, so the base the change was gated on is the remote's. Then the local base
   * follows (ship-advance.ts).
   * @returns `moved` (rebase onto `now` and gate again), `fenced` (the claim is another's now), or
   *   what the local advance gave.
   * @throws RemoteUnreachable, FleetError, GitError.
   */
  pushShip(
    id: string,
    from: string,
    gated: string,
    reason: string,
  ): Promise<(AdvanceResult & { commit?: string }) | { kind: "fenced" }> {
    return this.serial(() =>
      withCommitLock(this.repo, async () => {
        const { tip } = await publishLocked(this.context());
        let base = from;
        let commit = gated;
        if (tip !== from) {
          // Other machines' state moved the base: the gated change rides on top unchanged, or is gated again.
          const carried = await carryOverState(this.repo, id, gated, from, tip);
          if (!carried) return { kind: "moved", now: tip };
          base = tip;
          commit = carried;
        }
        const seen = this.seen.get(id);
        const claim = this.held(id);
        if (!seen || !claim) return { kind: "fenced" };
        const renewed: RemoteClaim = {
          ...claim,
          expires: new Date(this.now().getTime() + this.opts.leaseMs).toISOString(),
        };
        const sha = await writeClaimCommit(this.repo.root, renewed, seen.sha);
        const updates = [
          { ref: `refs/heads/${this.opts.base}`, value: commit, expect: base },
          { ref: claimRef(id), value: sha, expect: seen.sha },
        ];
        const landed = await pushSettled(this.repo.root, this.opts.remote, updates);
        if (!landed) {
          await fetchState(this.repo.root, this.opts.remote, this.opts.base);
          await this.reload();
          if (this.held(id)?.epoch !== claim.epoch) return { kind: "fenced" };
          const now = await publishLocked(this.context());
          return { kind: "moved", now: now.tip };
        }
        this.seen.set(id, { sha, claim: renewed });
        await gitText(["update-ref", SEEN.base(this.opts.remote, this.opts.base), commit], {
          cwd: this.repo.root,
        });
        const advanced = await advanceBaseLocked(this.repo, {
          base: this.opts.base,
          from: base,
          to: commit,
          reason,
        });
        return { ...advanced, commit };
      }),
    );
  }

  private async swap(id: string, expect: string | null, claim: RemoteClaim): Promise<boolean> {
    const next: RemoteClaim = claim.active
      ? { ...claim, expires: new Date(this.now().getTime() + this.opts.leaseMs).toISOString() }
      : claim;
    const sha = await writeClaimCommit(this.repo.root, next, expect);
    const ref = claimRef(id);
    const won = await pushSettled(this.repo.root, this.opts.remote, [{ ref, value: sha, expect }]);
    if (won) this.seen.set(id, { sha, claim: next });
    return won;
  }

  private async reload(): Promise<void> {
    this.seen = await readClaimRefs(this.repo.root, SEEN.claims(this.opts.remote));
  }

  private context() {
    return {
      repo: this.repo,
      remote: this.opts.remote,
      base: this.opts.base,
      claims: () => this.seen,
      reloadClaims: () => this.reload(),
      pushedClaim: (id: string, sha: string, claim: RemoteClaim) => {
        this.seen.set(id, { sha, claim });
      },
    };
  }
}
