/**
 * The report module's one public entry point: reads the tasks, the runs of the tasks that changed in
 * the window, and the shipped commits' diff sizes (one git call), then {@link summarizeReport}. Reads
 * `.fleet/` and git; writes nothing. `formatReport` renders the result.
 */
import { gitSync } from "../git/run-git.js";
import type { FleetPaths } from "../store/paths.js";
import { readRuns } from "../store/read-records.js";
import { readTasks } from "../store/read-tasks.js";
import type { Run } from "../store/schemas/run.js";
import { type DiffSize, type Report, summarizeReport } from "./summarize.js";

export { formatReport } from "./format-report.js";
export type { Report } from "./summarize.js";

/** Parses git's `--shortstat` line: ` 3 files changed, 10 insertions(+), 2 deletions(-)`. */
function parseShortstat(line: string): DiffSize {
  const n = (re: RegExp) => Number(re.exec(line)?.[1] ?? 0);
  return { files: n(/(\d+) files? changed/), added: n(/(\d+) insertions?/), removed: n(/(\d+) deletions?/) };
}

/** Diff sizes of `commits` against their first parent, in one `git log --no-walk`; commits git lacks are left out. */
function diffSizes(root: string, commits: string[]): Map<string, DiffSize> {
  const sizes = new Map<string, DiffSize>();
  const known = commits.filter((c) => /^[0-9a-f]{7,64}$/.test(c));
  if (known.length === 0) return sizes;
  // Synchronous on purpose: one call, and no process library to load for it.
  const r = gitSync(["log", "--no-walk=unsorted", "--shortstat", "--format=%x1e%H", ...known], {
    cwd: root,
    okCodes: [128],
  });
  if (r.exitCode !== 0) {
    // One unknown commit fails the whole call: ask for each one alone.
    if (known.length === 1) return sizes;
    for (const c of known) for (const [k, v] of diffSizes(root, [c])) sizes.set(k, v);
    return sizes;
  }
  for (const block of r.stdout.split("\x1e")) {
    const [sha = "", ...rest] = block.trim().split("\n");
    if (sha) sizes.set(sha, parseShortstat(rest.join(" ")));
  }
  for (const c of known) {
    const full = [...sizes.keys()].find((k) => k.startsWith(c));
    if (full && full !== c) sizes.set(c, sizes.get(full) as DiffSize);
  }
  return sizes;
}

/**
 * The report of the repository at `paths` for `[since, until]` (ISO-8601).
 * @throws GitError when git fails for another reason than an unknown commit.
 */
export async function buildReport(paths: FleetPaths, since: string, until: string): Promise<Report> {
  const tasks = [...readTasks(paths).tasks.values()].map((t) => t.record);
  const from = Date.parse(since);
  const runs: Run[] = [];
  for (const t of tasks) {
    // A run in the window rewrote its task file, so older tasks have no run to count.
    if (t.updated && Date.parse(t.updated) < from) continue;
    for (const r of readRuns(paths, t.id)) runs.push(r.record);
  }
  const shipped = tasks.flatMap((t) =>
    t.shipped && Date.parse(t.shipped.at) >= from ? [t.shipped.commit] : [],
  );
  return summarizeReport({ since, until, tasks, runs, sizes: diffSizes(paths.root, shipped) });
}
