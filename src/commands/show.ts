/** `fleet show <id>`: everything about one task — the task, research, plan (and its approval), acceptance, runs. */
import path from "node:path";
import { type ApprovalState, approvalState } from "../lifecycle/approval-hash.js";
import { type YourTurn, yourTurn } from "../lifecycle/your-turn.js";
import type { Problem } from "../store/read-file.js";
import { readResearch, readRuns } from "../store/read-records.js";
import { readTasks } from "../store/read-tasks.js";
import type { Acceptance, Plan, Research } from "../store/schemas/artifacts.js";
import type { Outcome } from "../store/schemas/run.js";
import type { Task } from "../store/schemas/task.js";
import { readApprovalInputs } from "./approval-inputs.js";
import { type CheckHygiene, checkHygiene } from "./check-hygiene.js";
import { loadTask } from "./load-task.js";
import { locateFleet } from "./locate.js";

/** Options of {@link show}. */
export interface ShowOptions {
  cwd: string;
  id: string;
}

/** One attempt, summarised. `duration_ms` in ms, `cost_usd` in USD (null when not reported). */
export interface RunSummary {
  seq: number;
  phase: string;
  attempt: number;
  agent: string | null;
  outcome: Outcome;
  started: string;
  duration_ms: number | null;
  cost_usd: number | null;
  reason: string | null;
  /** Gate verdicts, e.g. `build: pass`. */
  gates: string[];
  file: string;
}

/** Everything `fleet show` prints. File paths are relative to the repository root. */
export interface ShowResult {
  task: { record: Task; body: string; file: string; normalized: boolean };
  research: { record: Research; body: string; file: string } | null;
  plan: {
    record: Plan;
    body: string;
    file: string;
    /** Does the recorded approval still match the plan + acceptance content? */
    approval: ApprovalState;
    ship_approval: ApprovalState;
    /** The approval hash of the content as it is now (null when the acceptance file is missing). */
    sha256: string | null;
  } | null;
  acceptance: {
    record: Acceptance;
    body: string;
    file: string;
    files: string[];
    /** Weak checks, regression checks and checks never run on the base commit (check-hygiene.ts). */
    hygiene: CheckHygiene;
  } | null;
  runs: RunSummary[];
  /** Child tasks (fan-out: tasks whose `parent` is this one), oldest first, with what each cost in USD. */
  children: { id: string; title: string; phase: string; status: string; cost_usd: number | null }[];
  /** Child task files the plan proposes (`.fleet/plans/<id>/children/…`), relative to the root. */
  proposed_children: string[];
  /** Files of this task (other than the task file) that did not validate; the rest is still shown. */
  problems: Problem[];
  /**
   * The last run that did not succeed, when the task is not done: its reason, the first gate that did
   * not pass (with the tail of its output) and the logs as absolute paths a person can open.
   */
  last_failure: {
    seq: number;
    phase: string;
    reason: string | null;
    gate: { gate: string; verdict: string; output_tail: string; log: string | null } | null;
    /** The agent's transcript. */
    log: string | null;
  } | null;
  /** What the task waits for from a person and the commands that move it on, or null. */
  your_turn: YourTurn | null;
}

/**
 * Reads task `id` and everything that belongs to it.
 * @throws FleetError usage (malformed id), not-found (no such task), invalid (the task file itself is broken).
 */
export async function show(opts: ShowOptions): Promise<ShowResult> {
  const { paths, commonDir } = locateFleet(opts.cwd);
  const loaded = loadTask(paths, opts.id);
  const id = loaded.record.id;
  const problems: Problem[] = [];
  const research = readResearch(paths, id, problems);
  const inputs = readApprovalInputs(paths, id);
  problems.push(...inputs.problems);
  const current = inputs.sha256 ?? "";
  const records = readRuns(paths, id, problems);
  const runs = records.map(
    ({ record: r, file }): RunSummary => ({
      seq: r.seq,
      phase: r.phase,
      attempt: r.attempt,
      agent: r.agent,
      outcome: r.outcome,
      started: r.started,
      duration_ms: r.duration_ms,
      cost_usd: r.cost.usd,
      reason: r.reason,
      gates: r.gates.map((g) => `${g.gate}: ${g.verdict}`),
      file,
    }),
  );
  return {
    task: { record: loaded.record, body: loaded.body, file: loaded.file, normalized: loaded.normalized },
    research,
    plan: inputs.plan && {
      ...inputs.plan,
      approval: approvalState(inputs.plan.record.approval, current),
      ship_approval: approvalState(inputs.plan.record.ship_approval, current),
      sha256: inputs.sha256,
    },
    acceptance: inputs.acceptance && {
      ...inputs.acceptance,
      files: inputs.files,
      hygiene: await checkHygiene(paths.root, id, inputs, loaded.record.base_commit),
    },
    runs,
    children: [...readTasks(paths).tasks.values()]
      .map((c) => c.record)
      .filter((c) => c.parent === id)
      .sort((a, b) => ((a.created ?? "") < (b.created ?? "") ? -1 : a.id < b.id ? -1 : 1))
      .map((c) => ({ id: c.id, title: c.title, phase: c.phase, status: c.status, cost_usd: c.cost.usd })),
    proposed_children: inputs.childFiles,
    problems,
    last_failure: lastFailure(loaded.record, records, commonDir),
    your_turn: yourTurn(loaded.record),
  };
}

/** Outcomes of a run that did what it should. */
const GOOD = new Set(["finished", "running", "interrupted"]);

function lastFailure(
  task: Task,
  runs: ReturnType<typeof readRuns>,
  commonDir: string,
): ShowResult["last_failure"] {
  if (task.phase === "done" || task.phase === "dropped") return null;
  const run = [...runs].reverse().find((r) => !GOOD.has(r.record.outcome) || r.record.gates.some(failedGate));
  if (!run) return null;
  const abs = (rel: string | null) => (rel ? path.join(commonDir, rel) : null);
  const g = run.record.gates.find(failedGate);
  return {
    seq: run.record.seq,
    phase: run.record.phase,
    reason: run.record.reason,
    gate: g ? { gate: g.gate, verdict: g.verdict, output_tail: g.output_tail, log: abs(g.log) } : null,
    log: abs(run.record.log),
  };
}

function failedGate(g: { verdict: string }): boolean {
  return g.verdict === "fail" || g.verdict === "error";
}
