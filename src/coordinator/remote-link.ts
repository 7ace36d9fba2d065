/**
 * The coordinator's side of the remote engine: which {@link RemoteSession} config.md asks for (made
 * anew when `remote:`, `base:` or `lease:` change), and one sync per reconcile, with what it found
 * reported as events — each problem once, until it changes. May touch what RemoteSession touches.
 */
import { RemoteSession } from "../remote/remote-session.js";
import type { Config } from "../store/schemas/config.js";
import type { CoordinatorContext } from "./context.js";

/** Reports an event: task (or null), event name, detail. */
type Emit = (task: string | null, event: string, detail: string) => void;

/** Keeps `ctx.remote` in line with config.md and syncs it once per reconcile. */
export class RemoteLink {
  private tip: string | null = null;
  private problem: string | null = null;

  constructor(
    private readonly ctx: CoordinatorContext,
    private readonly emit: Emit,
  ) {}

  /**
   * Syncs with the remote `config` names (fetch, publish, follow), setting `ctx.remote`.
   * @returns `ok` false when the remote could not be synced (nothing new should be claimed then);
   *   `moved` true when the base tip changed since the last sync (re-read the task files).
   */
  async sync(config: Pick<Config, "remote" | "base" | "lease">): Promise<{ ok: boolean; moved: boolean }> {
    if (!config.remote) {
      this.ctx.remote = null;
      return { ok: true, moved: false };
    }
    const current = this.ctx.remote;
    if (
      !current ||
      current.opts.remote !== config.remote ||
      current.opts.base !== config.base ||
      current.opts.leaseMs !== config.lease
    )
      this.ctx.remote = new RemoteSession(this.ctx.repo, {
        remote: config.remote,
        base: config.base,
        leaseMs: config.lease,
        now: this.ctx.now,
      });
    const remote = this.ctx.remote as RemoteSession;
    try {
      const published = await remote.sync();
      for (const f of published.fenced)
        this.emit(
          f.task,
          "lost-claim",
          `the remote refused epoch ${f.epoch}'s result: another claim took the task`,
        );
      for (const sha of published.dropped)
        this.emit(
          null,
          "problem",
          `remote ${config.remote}: local commit ${sha.slice(0, 12)} changed files the remote changed too; the remote's state won (kept as refs/fleet/dropped/${sha})`,
        );
      const moved = published.tip !== this.tip;
      this.tip = published.tip;
      this.problem = null;
      return { ok: true, moved };
    } catch (err) {
      const message = (err as Error).message;
      if (message !== this.problem) this.emit(null, "problem", `remote ${config.remote}: ${message}`);
      this.problem = message;
      return { ok: false, moved: false };
    }
  }
}
