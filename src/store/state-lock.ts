/**
 * The store's write lock. The daemon and every CLI command that changes state take it around each
 * read-modify-write of `.fleet/` files and the commit that records it, so a person's `fleet approve`
 * and the daemon never interleave (design.md §3 "One writer"). Held for milliseconds, not for a run.
 */
import path from "node:path";
import { withFileLock } from "../git/file-lock.js";
import { runtimePaths } from "./paths.js";

/**
 * Runs `fn` holding `<git-common-dir>/fleet/locks/state.lock`.
 * @throws FleetError("locked") if another process holds it for more than 30 s.
 */
export function withStateLock<T>(commonDir: string, fn: () => Promise<T>): Promise<T> {
  return withFileLock(path.join(runtimePaths(commonDir).locks, "state"), fn, {
    waitMs: 30_000,
    what: "another fleet process writing .fleet/",
  });
}
