/**
 * The morning report, pure: from the tasks, their runs in the window and the shipped commits' sizes,
 * what shipped, what failed and why, what waits for the person (with the command to run), what it cost,
 * attempts and try-laters, and time per phase. No I/O, no clock (`since` and `until` are passed in).
 */
import type { Run } from "../store/schemas/run.js";
import type { Task } from "../store/schemas/task.js";

/** Size of a commit's diff: files changed, lines added and removed. */
export interface DiffSize {
  files: number;
  added: number;
  removed: number;
}

/** What {@link summarizeReport} reads. Times are ISO-8601 strings. */
export interface ReportInput {
  since: string;
  until: string;
  tasks: readonly Task[];
  /** Runs of the tasks, any time (the window is applied here). */
  runs: readonly Run[];
  /** Diff size of each shipped commit, by sha. */
  sizes: ReadonlyMap<string, DiffSize>;
}

/** A task line of the report. `cost_usd`: what its runs in the window cost (USD). */
export interface ReportTask {
  id: string;
  title: string;
  phase: string;
  status: string;
  cost_usd: number;
  /** Fan-out: what the task and all its children cost in the window (USD); absent without children. */
  with_children_usd?: number;
}

/** The report. Durations in ms, money in USD. */
export interface Report {
  since: string;
  until: string;
  shipped: (ReportTask & { commit: string; at: string; size: DiffSize | null })[];
  /** Tasks out of attempts, with the reason, and the command that gives them new ones. */
  failed: (ReportTask & { reason: string | null; attempts: number; next: string })[];
  /** Tasks that wait for a person (approval, a question, a set-up problem), with the next command. */
  waiting: (ReportTask & { why: string; next: string })[];
  /** Attempts in the window that did not succeed, and why. */
  failed_runs: { id: string; seq: number; phase: string; outcome: string; reason: string | null }[];
  cost: { total_usd: number; per_task: ReportTask[] };
  runs: { total: number; by_outcome: Record<string, number>; try_later: number };
  /** Time agents spent per phase (runs in the window), in lifecycle order. */
  phases: { phase: string; runs: number; ms: number }[];
}

const PHASE_ORDER = ["research", "plan", "implement", "ship", "review"];
const UNSUCCESSFUL = new Set(["failed", "timeout", "lost-claim", "rejected"]);

function inWindow(at: string | null | undefined, since: number, until: number): boolean {
  if (!at) return false;
  const t = Date.parse(at);
  return t >= since && t <= until;
}

/** Why a task waits and the command that moves it, or null when it does not wait for a person. */
function waitingFor(t: Task): { why: string; next: string } | null {
  if (t.status === "awaiting-approval") {
    return t.phase === "ship"
      ? { why: "a change held before ship", next: `fleet show ${t.id} && fleet approve ${t.id}` }
      : {
          why: "a plan to review",
          next: `fleet show ${t.id} && fleet approve ${t.id}  (or fleet reject ${t.id} -m "…")`,
        };
  }
  if (t.status === "awaiting-merge") {
    const branch = t.review_branch?.branch ?? `fleet/${t.id}`;
    return t.review_branch?.gone
      ? { why: `${branch} is gone, not merged`, next: `fleet retry ${t.id}  (or fleet drop ${t.id} -m "…")` }
      : { why: `${branch} to review and merge`, next: `fleet show ${t.id}` };
  }
  if (t.status === "blocked") {
    return t.question
      ? { why: `asks: ${t.question}`, next: `fleet answer ${t.id} "…"` }
      : { why: t.reason ?? "blocked", next: `fleet show ${t.id}` };
  }
  return null;
}

/** Builds the report for the window `[since, until]`. */
export function summarizeReport(input: ReportInput): Report {
  const since = Date.parse(input.since);
  const until = Date.parse(input.until);
  const runs = input.runs.filter((r) => inWindow(r.started, since, until));
  const costByTask = new Map<string, number>();
  for (const r of runs) costByTask.set(r.task, (costByTask.get(r.task) ?? 0) + (r.cost.usd ?? 0));
  const kids = new Map<string, string[]>();
  for (const t of input.tasks) if (t.parent) kids.set(t.parent, [...(kids.get(t.parent) ?? []), t.id]);
  const line = (t: Task): ReportTask => {
    const own = costByTask.get(t.id) ?? 0;
    const children = kids.get(t.id);
    const out: ReportTask = { id: t.id, title: t.title, phase: t.phase, status: t.status, cost_usd: own };
    if (children) out.with_children_usd = children.reduce((sum, c) => sum + (costByTask.get(c) ?? 0), own);
    return out;
  };
  const byId = [...input.tasks].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const shipped = byId
    .filter((t) => t.shipped && inWindow(t.shipped.at, since, until))
    .map((t) => {
      const s = t.shipped as { commit: string; at: string };
      return { ...line(t), commit: s.commit, at: s.at, size: input.sizes.get(s.commit) ?? null };
    })
    .sort((a, b) => (a.at < b.at ? -1 : 1));
  const failed = byId
    .filter((t) => t.status === "failed")
    .map((t) => ({
      ...line(t),
      reason: t.reason,
      attempts: t.attempts[t.phase] ?? 0,
      next: `fleet retry ${t.id}`,
    }));
  const waiting = byId.flatMap((t) => {
    const w = waitingFor(t);
    return w ? [{ ...line(t), ...w }] : [];
  });
  const by_outcome: Record<string, number> = {};
  const phaseTime = new Map<string, { runs: number; ms: number }>();
  for (const r of runs) {
    by_outcome[r.outcome] = (by_outcome[r.outcome] ?? 0) + 1;
    const p = phaseTime.get(r.phase) ?? { runs: 0, ms: 0 };
    p.runs++;
    p.ms += r.duration_ms ?? 0;
    phaseTime.set(r.phase, p);
  }
  const rank = (p: string) => (PHASE_ORDER.includes(p) ? PHASE_ORDER.indexOf(p) : PHASE_ORDER.length);
  const titles = new Map(input.tasks.map((t) => [t.id, t]));
  const per_task = [...costByTask.entries()]
    .filter(([, usd]) => usd > 0)
    .map(([id, usd]) => {
      const t = titles.get(id);
      return { id, title: t?.title ?? id, phase: t?.phase ?? "", status: t?.status ?? "", cost_usd: usd };
    })
    .sort((a, b) => b.cost_usd - a.cost_usd || (a.id < b.id ? -1 : 1));
  return {
    since: input.since,
    until: input.until,
    shipped,
    failed,
    waiting,
    failed_runs: runs
      .filter((r) => UNSUCCESSFUL.has(r.outcome))
      .map((r) => ({ id: r.task, seq: r.seq, phase: r.phase, outcome: r.outcome, reason: r.reason })),
    cost: { total_usd: per_task.reduce((sum, t) => sum + t.cost_usd, 0), per_task },
    runs: { total: runs.length, by_outcome, try_later: by_outcome["try-later"] ?? 0 },
    phases: [...phaseTime.entries()]
      .map(([phase, p]) => ({ phase, ...p }))
      .sort((a, b) => rank(a.phase) - rank(b.phase) || (a.phase < b.phase ? -1 : 1)),
  };
}
