/**
 * Everything the board's task page shows: what `fleet show` reads, plus the plan as the diff of its
 * proposal commit, the shipped commit's diff (both rendered by diff2html, which escapes every line),
 * weak-check warnings, and each run's gate output and transcript tail.
 * Reads `.fleet/`, git history and run logs under the git directory; writes nothing.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import path from "node:path";
import { html as diffHtml } from "diff2html";
import { type ShowResult, show } from "../commands/show.js";
import { readLog } from "../git/read-log.js";
import { git } from "../git/run-git.js";
import { fleetPaths, runtimePaths } from "../store/paths.js";
import { readRuns } from "../store/read-records.js";
import type { GateResult } from "../store/schemas/run.js";

/** Diffs larger than this (bytes) are cut, so one huge commit cannot hang the page. */
const MAX_DIFF_BYTES = 1_000_000;
/** How much of a run's transcript the page shows (bytes from the end). */
const TAIL_BYTES = 4_000;

/** A commit and its diff rendered as HTML (escaped by diff2html). */
export interface RenderedDiff {
  commit: string;
  subject: string;
  date: string;
  html: string;
  /** Lines added and removed, over all files. */
  added: number;
  removed: number;
  truncated: boolean;
}

/** One run as the page shows it. `duration_ms` in ms, `cost_usd` in USD. */
export interface RunDetail {
  seq: number;
  phase: string;
  attempt: number;
  agent: string | null;
  outcome: string;
  started: string;
  duration_ms: number | null;
  cost_usd: number | null;
  reason: string | null;
  gates: Pick<GateResult, "gate" | "verdict" | "exit_code" | "output_tail">[];
  /** The last {@link TAIL_BYTES} of the agent's transcript, or "" when there is none. */
  output_tail: string;
}

/** The task page's data. */
export interface TaskDetail extends Omit<ShowResult, "runs"> {
  proposal: RenderedDiff | null;
  shipped_diff: RenderedDiff | null;
  /** Weak checks, as `fleet show` judges them: the check's id and why. */
  weak_checks: { check: string; warning: string }[];
  runs: RunDetail[];
}

function tail(file: string): string {
  try {
    const size = statSync(file).size;
    const start = Math.max(0, size - TAIL_BYTES);
    const buf = Buffer.alloc(size - start);
    const fd = openSync(file, "r");
    try {
      readSync(fd, buf, 0, buf.length, start);
    } finally {
      closeSync(fd);
    }
    return buf.toString("utf8");
  } catch {
    return "";
  }
}

/** The transcript `log` (relative to the git common dir) names, or "" when it points outside the logs folder. */
function logFile(commonDir: string, log: string): string {
  const logs = runtimePaths(commonDir).logs;
  const abs = path.resolve(commonDir, log);
  return abs.startsWith(`${logs}${path.sep}`) ? abs : "";
}

/** `git show` of `commit` (limited to `paths` when given), rendered; null when git cannot show it. */
async function renderCommit(
  root: string,
  commit: string,
  paths: string[] = [],
): Promise<RenderedDiff | null> {
  try {
    const head = await git(["show", "-s", "--format=%s%x1f%aI", commit], { cwd: root });
    const [subject = "", date = ""] = head.stdout.trim().split("\x1f");
    const args = ["show", "--no-color", "--no-ext-diff", "--format=", "--patch", commit];
    if (paths.length > 0) args.push("--", ...paths);
    let diff = (await git(args, { cwd: root })).stdout;
    const truncated = diff.length > MAX_DIFF_BYTES;
    if (truncated)
      diff = diff.slice(0, diff.lastIndexOf("\ndiff --git", MAX_DIFF_BYTES) + 1 || MAX_DIFF_BYTES);
    let added = 0;
    let removed = 0;
    for (const line of diff.split("\n")) {
      if (line.startsWith("+") && !line.startsWith("+++")) added++;
      else if (line.startsWith("-") && !line.startsWith("---")) removed++;
    }
    const html = diffHtml(diff, { drawFileList: true, outputFormat: "line-by-line", matching: "none" });
    return { commit, subject, date, html, added, removed, truncated };
  } catch {
    return null;
  }
}

/**
 * Reads task `id` of the repository at `root` for the board.
 * @throws what `show` throws (usage for a malformed id, not-found, invalid task file).
 */
export async function readTaskDetail(root: string, commonDir: string, id: string): Promise<TaskDetail> {
  const shown = await show({ cwd: root, id });
  const log = await readLog(root, { task: id });
  const proposed = log.filter((e) => e.event === "proposed").at(-1);
  const planFiles = [`.fleet/plans/${id}.md`, `.fleet/acceptance/${id}.md`, `.fleet/acceptance/${id}`];
  const proposal = proposed ? await renderCommit(root, proposed.commit, planFiles) : null;
  const shippedCommit = shown.task.record.shipped?.commit;
  const shipped_diff = shippedCommit ? await renderCommit(root, shippedCommit) : null;
  const runs = readRuns(fleetPaths(root), id).map(
    ({ record: r }): RunDetail => ({
      seq: r.seq,
      phase: r.phase,
      attempt: r.attempt,
      agent: r.agent,
      outcome: r.outcome,
      started: r.started,
      duration_ms: r.duration_ms,
      cost_usd: r.cost.usd,
      reason: r.reason,
      gates: r.gates.map((g) => ({
        gate: g.gate,
        verdict: g.verdict,
        exit_code: g.exit_code,
        output_tail: g.output_tail,
      })),
      output_tail: r.log ? tail(logFile(commonDir, r.log)) : "",
    }),
  );
  const { runs: _summaries, ...rest } = shown;
  return {
    ...rest,
    proposal,
    shipped_diff,
    // The same judgement as `fleet show` and `fleet approve` (src/commands/check-hygiene.ts).
    weak_checks: (shown.acceptance?.hygiene.weak ?? []).map((w) => ({ check: w.id, warning: w.why })),
    runs,
  };
}
