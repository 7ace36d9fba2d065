/** `fleet show <id>` — argv and printing; the work is in `src/commands/show.ts`. */
import { type ShowResult, show } from "../../commands/show.js";
import { EXIT } from "../exit-codes.js";
import { formatTable, printJson, printLines } from "../output.js";
import { parseCommand } from "./args.js";
import { formatDuration, formatUsd } from "./format.js";

export const usage = `Usage: fleet show <id> [--json]

Everything about one task: its frontmatter and body, the research, the plan with its approval state
(approved and still valid, or voided by a change since), the acceptance checks and their files —
each marked WEAK when it runs no file of .fleet/acceptance/<id>/ and no file of the base commit, or
"regression" when it passed on the base commit before any work — and one line per run (seq, phase, outcome, duration, cost). Files of the task that do not validate are
listed under "problems"; the rest is still shown. A fanned-out task lists its child tasks with their
states (before approval: the child files its plan proposes).

Options:
  --json   print {task: {record, body, file, normalized}, research, plan: {record, body, file,
           approval: "none"|"valid"|"voided", ship_approval, sha256}, acceptance: {record, body,
           file, files, hygiene: {weak: [{id, why}], onBase: {commit, fail, pass} | null, regression,
           unrun}}, runs: [{seq, phase, attempt, agent, outcome, started, duration_ms,
           cost_usd, reason, gates, file}], children: [{id, title, phase, status, cost_usd}],
           proposed_children: [file], problems, last_failure: {seq, phase, reason, gate:
           {gate, verdict, output_tail, log}, log} | null, your_turn: {waitsFor, commands} | null}

A task that waits for you ends with "your turn" and the commands that apply (approve/reject,
answer, ready, retry, drop); a failed one shows the failing gate's output tail and the log paths.

Example:
  fleet show rate-limit-the-public-api-7k2q

Exit codes: 0 shown · 1 the task file is invalid · 2 usage · 3 no such task
`;

/** `done (shipped 3f2a9c1)`, `dropped`, else `phase / status`: a done task must not read "ready". */
function stateLine(t: ShowResult["task"]["record"]): string {
  if (t.phase === "done") return t.shipped ? `done (shipped ${t.shipped.commit.slice(0, 7)})` : "done";
  if (t.phase === "dropped") return t.merged_into ? `dropped (merged into ${t.merged_into})` : "dropped";
  return `${t.phase} / ${t.status}`;
}

/** Where a branch-mode ship left the change: branch, remote, commit, pull request or why none. */
function reviewBranchLines(t: ShowResult["task"]["record"]): string[] {
  const r = t.review_branch;
  if (!r || t.phase === "done") return [];
  const out = [
    `  review branch: ${r.branch} ${r.remote ? `on ${r.remote}` : "in this clone"} at ${r.commit.slice(0, 12)} (pushed ${r.pushed})${r.gone ? `; GONE since ${r.gone}, not merged` : ""}`,
  ];
  if (r.pr) out.push(`  pull request: ${r.pr}`);
  else if (r.pr_note) out.push(`  ${r.pr_note}`);
  if (t.status === "awaiting-merge" && !r.gone)
    out.push(
      "  done once the base holds the change: merge, squash or rebase it (keep its `Fleet-Task:` line, or its exact files)",
    );
  return out;
}

function section(title: string, body: string): string[] {
  const text = body.trim();
  return ["", `── ${title}`, ...(text ? [text] : ["(empty)"])];
}

/** The text form of a {@link ShowResult}. */
export function formatShow(r: ShowResult): string[] {
  const t = r.task.record;
  const out = [
    `${t.id} — ${t.title}`,
    `  ${stateLine(t)}   P${t.priority}   ${r.task.file}${r.task.normalized ? "" : " (new file: frontmatter not filled in yet)"}`,
  ];
  if (t.reason) out.push(`  reason: ${t.reason}`);
  if (t.question) out.push(`  question: ${t.question}`);
  if (t.depends_on.length) out.push(`  depends on: ${t.depends_on.join(", ")}`);
  if (t.parent) out.push(`  parent: ${t.parent}`);
  if (r.children.length) {
    const done = r.children.filter((c) => c.phase === "done").length;
    out.push(`  children: ${done}/${r.children.length} done`);
    for (const c of r.children)
      out.push(
        `    ${c.id}  ${c.phase === "done" || c.phase === "dropped" ? c.phase : `${c.phase} / ${c.status}`}  ${c.title}`,
      );
  } else if (r.proposed_children.length)
    out.push(`  proposed children (approved with the plan): ${r.proposed_children.join(", ")}`);
  if (t.merged_into) out.push(`  merged into: ${t.merged_into}`);
  if (t.touches.length) out.push(`  touches: ${t.touches.join(", ")}`);
  const attempts = Object.entries(t.attempts);
  if (attempts.length) out.push(`  attempts: ${attempts.map(([p, n]) => `${p} ${n}`).join(", ")}`);
  if (t.base_commit) out.push(`  base commit: ${t.base_commit}`);
  if (t.shipped)
    out.push(
      `  shipped: ${t.shipped.commit} at ${t.shipped.at}${t.shipped.already ? " (the change was already there)" : ""}${t.shipped.merged_by ? ` (merged from ${t.review_branch?.branch ?? "its branch"}, seen by ${t.shipped.merged_by})` : ""}`,
    );
  out.push(...reviewBranchLines(t));
  if (t.cost.usd !== null)
    out.push(`  cost: ${formatUsd(t.cost.usd)}, ${t.cost.agent_seconds}s of agent time`);
  for (const a of t.answers)
    out.push(`  asked: ${a.question}`, `  answered by ${a.by} at ${a.at}: ${a.answer}`);
  if (t.created || t.updated) out.push(`  created ${t.created ?? "?"}, updated ${t.updated ?? "?"}`);
  out.push(...section("task", r.task.body));
  if (r.research) out.push(...section(`research (${r.research.file})`, r.research.body));
  if (r.plan) {
    const a = r.plan.record.approval;
    const state =
      r.plan.approval === "valid" && a
        ? `approved by ${a.by} at ${a.at}`
        : r.plan.approval === "voided" && a
          ? `approval by ${a.by} at ${a.at} VOIDED: the plan or acceptance changed since`
          : "not approved";
    const rejection = r.plan.record.rejection;
    out.push(...section(`plan (${r.plan.file}) — ${state}`, r.plan.body));
    if (rejection) out.push(`  last rejected by ${rejection.by} at ${rejection.at}: ${rejection.reason}`);
    if (r.plan.record.ship_approval) out.push(`  ship approval: ${r.plan.ship_approval}`);
  }
  if (r.acceptance) {
    out.push("", `── acceptance (${r.acceptance.file})`);
    const h = r.acceptance.hygiene;
    for (const c of r.acceptance.record.checks) {
      const weak = h.weak.find((w) => w.id === c.id);
      const mark = weak
        ? "  WEAK"
        : h.regression.includes(c.id)
          ? "  (regression: passes on base already)"
          : h.unrun.includes(c.id)
            ? "  (never run on base)"
            : "";
      out.push(`  ${c.id}  ${c.says}${mark}`, `        $ ${c.run}`);
      if (weak) out.push(`        ! ${weak.why}`);
    }
    if (h.weak.length)
      out.push(
        `  ! ${h.weak.length} weak check${h.weak.length > 1 ? "s" : ""}: \`fleet approve\` needs --yes to approve them`,
      );
    if (r.acceptance.body.trim()) out.push(r.acceptance.body.trim());
    if (r.acceptance.files.length) out.push(`  files: ${r.acceptance.files.join(", ")}`);
  }
  if (r.runs.length) {
    out.push("", "── runs");
    const rows = r.runs.map((run) => [
      `  ${String(run.seq).padStart(3, "0")}`,
      run.phase,
      run.outcome,
      run.duration_ms === null ? "-" : formatDuration(run.duration_ms),
      run.cost_usd === null ? "-" : formatUsd(run.cost_usd),
      [run.agent ?? "", run.gates.join(", "), run.reason ?? ""].filter(Boolean).join(" · "),
    ]);
    out.push(...formatTable(rows));
  }
  const f = r.last_failure;
  if (f) {
    out.push("", `── last failure (run ${String(f.seq).padStart(3, "0")}, ${f.phase})`);
    if (f.reason) out.push(`  ${f.reason}`);
    if (f.gate) {
      out.push(
        `  gate ${f.gate.gate}: ${f.gate.verdict}${f.gate.log ? `   full output: ${f.gate.log}` : ""}`,
      );
      // The last 20 lines (gates/shell.ts has the same, but importing it would load execa here).
      const tail = f.gate.output_tail.replace(/\s+$/, "").split(/\r?\n/).slice(-20).join("\n");
      if (tail) out.push(...tail.split("\n").map((l) => `    | ${l}`));
    }
    if (f.log) out.push(`  transcript: ${f.log}`);
  }
  if (r.your_turn)
    out.push("", `── your turn: ${r.your_turn.waitsFor}`, ...r.your_turn.commands.map((c) => `  ${c}`));
  if (r.problems.length) {
    out.push("", `── problems (${r.problems.length})`);
    for (const p of r.problems) out.push(`  ${p.file}${p.field ? `: ${p.field}` : ""}: ${p.message}`);
  }
  return out;
}

/** Runs `fleet show`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    "show",
    argv,
    { json: { type: "boolean" } },
    { min: 1, max: 1, names: "the task id" },
  );
  const result = await show({ cwd: process.cwd(), id: positionals[0] ?? "" });
  if (values.json) printJson(result);
  else printLines(formatShow(result));
  return EXIT.ok;
}
