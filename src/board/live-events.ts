/**
 * The board's live feed: the project's own `.fleet/` watcher (`src/watcher/watch-fleet.ts`) names
 * changed files, a short debounce gathers them into one batch, {@link BoardCards} re-reads only those
 * task files, and every listener (one per open event stream) gets the changes. A rescan timer is the
 * safety net for a missed event, as in the daemon. Reads `.fleet/`; writes nothing.
 */
import { watchFleet } from "../watcher/watch-fleet.js";
import type { BoardCards, CardChanges } from "./board-cards.js";

/** A running feed. */
export interface LiveEvents {
  /** Adds a listener; returns the function that removes it. */
  listen(fn: (changes: CardChanges) => void): () => void;
  close(): Promise<void>;
}

/** Gathers events this long (ms) before re-reading: an atomic write is several events. */
const DEBOUNCE_MS = 25;

/**
 * Starts watching `fleetDir` and feeding `cards`. `rescanMs`: how often every card is re-checked in
 * full (a missed event costs at most this long); `onError` gets watch failures (then the rescan covers).
 */
export function startLiveEvents(
  fleetDir: string,
  cards: BoardCards,
  opts: { rescanMs: number; onError(err: Error): void },
): LiveEvents {
  const listeners = new Set<(changes: CardChanges) => void>();
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const emit = (changes: CardChanges) => {
    if (changes.cards.length + changes.gone.length + changes.touched.length === 0) return;
    for (const fn of listeners) fn(changes);
  };
  const flush = () => {
    timer = undefined;
    const files = [...pending];
    pending = new Set();
    emit(cards.apply(files));
  };
  const watcher = watchFleet(
    fleetDir,
    (files) => {
      for (const f of files) pending.add(f);
      timer ??= setTimeout(flush, DEBOUNCE_MS);
    },
    opts.onError,
  );
  const rescan = setInterval(() => {
    const before = new Map([...cards.cards].map(([id, c]) => [id, JSON.stringify(c)]));
    cards.load().then(
      () => {
        const changed = [...cards.cards.values()].filter((c) => before.get(c.id) !== JSON.stringify(c));
        const gone = [...before.keys()].filter((id) => !cards.cards.has(id));
        emit({ cards: changed, gone, touched: [] });
      },
      (err: unknown) => opts.onError(err instanceof Error ? err : new Error(String(err))),
    );
  }, opts.rescanMs);
  rescan.unref();
  return {
    listen(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    async close() {
      clearInterval(rescan);
      clearTimeout(timer);
      listeners.clear();
      await watcher.close();
    },
  };
}
