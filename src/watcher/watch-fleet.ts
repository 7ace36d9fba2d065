/**
 * chokidar on `.fleet/`: events are hints that wake the reconcile loop, never truth (dependencies.md).
 * Every path an event names is handed on; the loop debounces them and the task index re-reads the
 * files and compares content, so an editor's atomic save (a temp file, a rename) or a half-written
 * file costs at most a no-op reconcile. Temp files of atomic writers are ignored. The runtime
 * directory lives under the git directory, outside `.fleet/`, so our own scratch files never wake us.
 */
import path from "node:path";
import { type FSWatcher, watch } from "chokidar";

/** A running watcher. */
export interface FleetWatcher {
  /** Resolves once the initial scan is done and events flow. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/** Names editors use for scratch files: `x.md~`, `.x.md.swp`, `.#x.md`, vim's `4913` probe. */
const TEMP = /(~|\.sw[px])$|^\.#|^4913$/;

/** True for paths that never hold state (temp files). */
export function isTempFile(file: string): boolean {
  return TEMP.test(path.basename(file));
}

/**
 * Watches `dir` (the `.fleet/` folder). `onPaths` gets the absolute paths of each event; `onError`
 * any watcher error (the caller should then do a full rescan).
 */
export function watchFleet(
  dir: string,
  onPaths: (files: string[]) => void,
  onError: (err: Error) => void,
): FleetWatcher {
  const watcher: FSWatcher = watch(dir, {
    ignoreInitial: true,
    persistent: true,
    ignored: (p) => p !== dir && isTempFile(p),
  });
  watcher.on("all", (_event, file) => onPaths([path.resolve(file)]));
  watcher.on("error", (err) => onError(err instanceof Error ? err : new Error(String(err))));
  const ready = new Promise<void>((resolve) => watcher.once("ready", () => resolve()));
  return { ready, close: () => watcher.close() };
}
