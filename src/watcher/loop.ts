/**
 * The reconcile loop: wake-ups come from file events (debounced, their paths collected), from the
 * rescan timer (a full rescan every `rescan`), from a watcher error (a full rescan) and from the
 * coordinator (a job ended, a back-off ran out). One reconcile runs at a time; wake-ups during a run
 * are merged into the next one. A reconcile that throws is reported and the loop carries on.
 */

/** What a reconcile is asked to look at: `full` re-lists everything, else only `files`. */
export interface Wake {
  full: boolean;
  files: string[];
}

/** Options of {@link ReconcileLoop}. */
export interface LoopOptions {
  /** Quiet time after the last event before reconciling, ms (default 30). */
  debounceMs?: number;
  /** Full rescan interval, ms; read again after every reconcile (it may change with config.md). */
  rescanMs(): number;
  onError(err: unknown): void;
}

/** Serialises reconciles and merges wake-ups. */
export class ReconcileLoop {
  private pending: Wake | null = null;
  private running: Promise<void> | null = null;
  private debounce: NodeJS.Timeout | undefined;
  private rescan: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly reconcile: (wake: Wake) => Promise<void>,
    private readonly opts: LoopOptions,
  ) {}

  /** Files changed: reconcile after the debounce. */
  notify(files: readonly string[]): void {
    this.merge({ full: false, files: [...files] });
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.kick(), this.opts.debounceMs ?? 30);
  }

  /** Something other than a file changed (a job ended): reconcile now, looking at no file in particular. */
  wake(): void {
    this.merge({ full: false, files: [] });
    this.kick();
  }

  /** Re-list everything now (start, a watcher error, the rescan timer). */
  full(): void {
    this.merge({ full: true, files: [] });
    this.kick();
  }

  /** Stops timers; resolves when the reconcile under way (if any) has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.debounce);
    clearTimeout(this.rescan);
    await this.running;
  }

  /** Resolves when no reconcile runs or is pending. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private merge(w: Wake): void {
    const p = this.pending;
    this.pending = p ? { full: p.full || w.full, files: [...p.files, ...w.files] } : w;
  }

  private kick(): void {
    if (this.stopped || this.running || !this.pending) return;
    const wake = this.pending;
    this.pending = null;
    clearTimeout(this.debounce);
    this.running = this.reconcile(wake)
      .catch((err: unknown) => this.opts.onError(err))
      .finally(() => {
        this.running = null;
        if (wake.full) this.armRescan();
        this.kick();
      });
  }

  private armRescan(): void {
    if (this.stopped) return;
    clearTimeout(this.rescan);
    this.rescan = setTimeout(() => this.full(), Math.max(100, this.opts.rescanMs()));
  }
}
