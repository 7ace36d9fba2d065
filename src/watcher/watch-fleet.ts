/**
 * File events on `.fleet/`: Node's `fs.watch` on each folder (inotify on Linux, FSEvents on macOS,
 * ReadDirectoryChangesW on Windows), one watch per folder, never per file. Events are hints that wake
 * the reconcile loop, never truth (dependencies.md): every path an event names is handed on, the loop
 * debounces them, and the task index re-reads the files and compares content, so an editor's atomic
 * save (a temp file, a rename) or a half-written file costs at most a no-op reconcile. The periodic
 * full rescan catches anything an event missed.
 *
 * Why not chokidar: on every event in a folder, chokidar 5 re-reads that whole folder and lstats each
 * entry (`_handleRead`), throttled to once a second. With 10,000 tasks in `queue/` that is about
 * 480 ms of CPU per event, and events behind the throttle wait up to a second: the daemon burned CPU
 * and missed its latency target. Here an event costs one `path.join`.
 *
 * A folder that appears is watched at once, and the files already in it are handed on (they may have
 * been written before its watch existed). If `.fleet/` itself goes away (`rm -rf .fleet` then
 * `git checkout .fleet`), it is looked for every second and watched again, with all its files handed on. Temp files of atomic writers and editors are ignored. The
 * runtime directory lives under the git directory, outside `.fleet/`, so our own scratch files never
 * wake us.
 */
import { type FSWatcher, readdirSync, statSync, watch } from "node:fs";
import path from "node:path";
import { failpoint } from "../failpoints/failpoint.js";

/** A running watcher. */
export interface FleetWatcher {
  /** Resolves once every folder is watched and events flow. */
  ready: Promise<void>;
  /** Stops every watch. */
  close(): Promise<void>;
}

/** Names editors use for scratch files: `x.md~`, `.x.md.swp`, `.#x.md`, vim's `4913` probe. */
const TEMP = /(~|\.sw[px])$|^\.#|^4913$/;

/** True for paths that never hold state (temp files). */
export function isTempFile(file: string): boolean {
  return TEMP.test(path.basename(file));
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Watches `dir` (the `.fleet/` folder) and every folder under it. `onPaths` gets the absolute paths an
 * event names (files or folders); `onError` a watch that failed — e.g. ENOSPC when the system's
 * inotify watch limit (`fs.inotify.max_user_watches`) is reached — after which the caller should do a
 * full rescan, and keep rescanning on its timer: that folder's events may be missing.
 */
export function watchFleet(
  dir: string,
  onPaths: (files: string[]) => void,
  onError: (err: Error) => void,
): FleetWatcher {
  const root = path.resolve(dir);
  const watches = new Map<string, FSWatcher>();
  let closed = false;
  let lookForRoot: NodeJS.Timeout | undefined;

  /**
   * A watched folder was removed or moved away — its watch follows the old folder, so it is dead even
   * if a new one was made at once (often with the same inode number). Watch the folder there now, if
   * any; for `.fleet/` itself, look for it every second until it is back.
   */
  const folderGone = (folder: string) => {
    unwatch(folder);
    if (isDirectory(folder)) add(folder, true);
    else if (folder === root) {
      clearInterval(lookForRoot);
      lookForRoot = setInterval(() => {
        if (closed || !isDirectory(root)) return;
        clearInterval(lookForRoot);
        add(root, true);
        onPaths([root]);
      }, 1000);
      lookForRoot.unref();
    }
  };

  const unwatch = (folder: string) => {
    for (const [p, w] of watches) {
      if (p === folder || p.startsWith(`${folder}${path.sep}`)) {
        w.close();
        watches.delete(p);
      }
    }
  };

  const onEvent = (folder: string, name: string | Buffer | null) => {
    if (closed) return;
    if (name === null) {
      // Some platforms do not say which file changed: look at the whole folder.
      onError(new Error(`a change in ${folder} came without a file name`));
      return;
    }
    if (name.toString() === path.basename(folder)) {
      // inotify's IN_DELETE_SELF / IN_MOVE_SELF: Node names the watched folder itself.
      folderGone(folder);
      onPaths([folder]);
      return;
    }
    const p = path.join(folder, name.toString());
    if (isTempFile(p)) return;
    if (!watches.has(p) && isDirectory(p)) add(p, true);
    else if (watches.has(p) && !isDirectory(p)) unwatch(p);
    onPaths([p]);
  };

  /** Watches `folder` and the folders under it; with `announce`, hands on the files found there. */
  function add(folder: string, announce: boolean): void {
    if (closed || watches.has(folder)) return;
    let w: FSWatcher;
    try {
      failpoint("watch");
      w = watch(folder, { persistent: true }, (_event, name) => onEvent(folder, name));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") onError(err as Error);
      return;
    }
    w.on("error", (err) => {
      if (folder === root) return folderGone(root);
      unwatch(folder);
      // A folder removed under its watch is not an error; anything else is.
      if (isDirectory(folder)) onError(err);
    });
    watches.set(folder, w);
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    const files: string[] = [];
    for (const entry of entries) {
      const p = path.join(folder, entry.name);
      if (entry.isDirectory()) add(p, announce);
      else if (announce && !isTempFile(p)) files.push(p);
    }
    if (files.length > 0) onPaths(files);
  }

  add(root, false);
  if (!watches.has(root)) onError(new Error(`${root} cannot be watched: is it a folder?`));
  return {
    ready: Promise.resolve(),
    close: async () => {
      closed = true;
      clearInterval(lookForRoot);
      unwatch(root);
    },
  };
}
