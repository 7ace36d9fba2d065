/**
 * `fleet ls`: the board. Reads only the queue's frontmatter, through the stat-keyed task cache
 * (`readTaskIndex`), so it stays fast on thousands of tasks.
 */

import { readFileSync } from "node:fs";
import { describeDrift, workTreeDrift } from "../git/work-tree-drift.js";
import type { FleetPaths } from "../store/paths.js";
import { PHASES, type Phase, type Status } from "../store/phases.js";
import { readBaseName } from "../store/read-base-name.js";
import type { Problem } from "../store/read-file.js";
import { type BoardTask, readTaskIndex } from "../store/task-cache.js";
import { locateFleet } from "./locate.js";

/** Options of {@link ls}. */
export interface LsOptions {
  cwd: string;
  /** Only this phase (done and dropped included when asked for by name). */
  phase?: Phase;
  status?: Status;
  /** Include done and dropped tasks. */
  all?: boolean;
  now?: Date;
}

/** One line of the board. */
export interface BoardEntry {
  id: string;
  title: string;
  phase: Phase;
  status: Status;
  priority: number;
  /** Path relative to the repository root. */
  file: string;
  /** False for a hand-dropped idea whose frontmatter the daemon has not filled in yet. */
  normalized: boolean;
  updated: string | null;
  /** For `running` tasks: ms since the run started (its claim, else `updated`); else null. */
  running_ms: number | null;
  /** For `running` tasks: the agent of the active claim, when one is held. */
  agent: string | null;
  /** For `running` tasks: false when no live daemon holds the claim (it will be recovered on restart). */
  daemon_alive: boolean | null;
  /** The open question of a blocked task, or null. */
  question: string | null;
  /** Attempts that ran to an outcome, per phase (`attempts` of the task file). */
  attempts: Record<string, number>;
  /** What the agents cost on this task so far, in USD; null when no runner reported a cost. */
  cost_usd: number | null;
  /** The task this one is a child of (fan-out), or null. */
  parent: string | null;
  /** For a fanned-out task: each child's id and `phase / status` (`done`, `dropped` alone); else []. */
  children: { id: string; state: string }[];
  /**
   * At `ship / awaiting-merge` (and after): the review branch, its remote (null = this clone), the pull
   * request's URL, and when it was seen gone unmerged (ISO) — else null.
   */
  review_branch: BoardTask["review_branch"];
}

/** The board: entries in lifecycle order (then priority, then id), and the queue files that did not load. */
export interface LsResult {
  tasks: BoardEntry[];
  problems: Problem[];
  /** How many done/dropped tasks were left out (0 with `all` or a `phase` filter). */
  hidden: number;
  /** config.md's `sandbox:` — `off` means agents and gates run uncontained. */
  sandbox: "bwrap" | "off";
  /**
   * Where the work tree parts from what the daemon uses (HEAD off `base`, uncommitted config, agents
   * or gates), one sentence each; [] when it does not.
   */
  notices: string[];
}

/**
 * config.md's `sandbox:`, read as one top-level scalar of its frontmatter rather than through the
 * config schema, which would load zod on the board's warm path (≈ 115 ms). `bwrap` when the file does
 * not say `off` or cannot be read: `fleet doctor` judges config.md, the board only shows it.
 */
function sandboxSetting(paths: FleetPaths): "bwrap" | "off" {
  try {
    const text = readFileSync(paths.config, "utf8");
    const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text)?.[1] ?? "";
    return /^sandbox:[ \t]*["']?off["']?[ \t]*(?:#.*)?$/m.test(front) ? "off" : "bwrap";
  } catch {
    return "bwrap";
  }
}

const PHASE_RANK = new Map<string, number>(PHASES.map((p, i) => [p, i]));

/**
 * Lists the tasks of the repository containing `opts.cwd`.
 * @throws FleetError not-found (no git repository) / not-initialized (no `.fleet/`).
 */
export async function ls(opts: LsOptions): Promise<LsResult> {
  const where = locateFleet(opts.cwd);
  const { tasks, problems } = await readTaskIndex(where.paths, where.taskCache);
  const now = (opts.now ?? new Date()).getTime();
  let claims = new Map<string, { agent: string | null; started: string | null; alive: boolean }>();
  for (const t of tasks.values()) {
    if (t.record.status !== "running") continue;
    // Only a board with running tasks pays for reading claims (and loading the lock library).
    const { readActiveClaims } = await import("../coordinator/claims.js");
    claims = new Map(readActiveClaims(where.commonDir).map((c) => [c.task, c]));
    break;
  }
  const kids = new Map<string, { id: string; state: string }[]>();
  for (const { record: t } of tasks.values()) {
    if (t.parent === null) continue;
    const state = t.phase === "done" || t.phase === "dropped" ? t.phase : `${t.phase} / ${t.status}`;
    kids.set(t.parent, [...(kids.get(t.parent) ?? []), { id: t.id, state }]);
  }
  const out: BoardEntry[] = [];
  let hidden = 0;
  for (const { record: t, file, normalized } of tasks.values()) {
    if (opts.phase !== undefined && t.phase !== opts.phase) continue;
    if (opts.status !== undefined && t.status !== opts.status) continue;
    if (!opts.all && opts.phase === undefined && (t.phase === "done" || t.phase === "dropped")) {
      hidden++;
      continue;
    }
    const claim = t.status === "running" ? claims.get(t.id) : undefined;
    const started = claim?.started ?? t.updated;
    const since = t.status === "running" && started ? Date.parse(started) : Number.NaN;
    out.push({
      id: t.id,
      title: t.title,
      phase: t.phase,
      status: t.status,
      priority: t.priority,
      file,
      normalized,
      updated: t.updated ?? null,
      running_ms: Number.isNaN(since) ? null : Math.max(0, now - since),
      agent: claim?.agent ?? null,
      daemon_alive: t.status === "running" ? (claim?.alive ?? false) : null,
      question: t.question,
      attempts: t.attempts,
      cost_usd: t.cost_usd,
      parent: t.parent,
      children: (kids.get(t.id) ?? []).sort((a, b) => (a.id < b.id ? -1 : 1)),
      review_branch: t.review_branch,
    });
  }
  out.sort(
    (a, b) =>
      (PHASE_RANK.get(a.phase) ?? 0) - (PHASE_RANK.get(b.phase) ?? 0) ||
      a.priority - b.priority ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const notices = describeDrift(workTreeDrift(where.paths.root, readBaseName(where.paths)));
  return { tasks: out, problems, hidden, notices, sandbox: sandboxSetting(where.paths) };
}
