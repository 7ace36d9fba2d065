/** `fleet ls` — argv and printing; the work is in `src/commands/ls.ts`. */
import { type BoardEntry, ls } from "../../commands/ls.js";
import { nextCommandHint } from "../../lifecycle/your-turn.js";
import { PHASES, STATUSES } from "../../store/phases.js";
import { EXIT } from "../exit-codes.js";
import { formatTable, paint, printJson, printLines, useColor } from "../output.js";
import { statusStyle } from "../state-style.js";
import { oneOf, parseCommand } from "./args.js";
import { formatDuration } from "./format.js";

export const usage = `Usage: fleet ls [--phase <phase>] [--status <status>] [--all] [--json]

The board: tasks grouped by phase in lifecycle order (idea, research, plan, implement, ship), then
by priority. Each line: id, status, priority (P0 highest … P3), title, and for running tasks how
long they have run. Done and dropped tasks are hidden unless --all (or --phase done|dropped).
Files in .fleet/queue/ that do not validate are listed under "problems" with file and field;
every other task is still shown.

Options:
  --phase <phase>    only this phase: ${PHASES.join(", ")}
  --status <status>  only this status: ${STATUSES.join(", ")}
  --all              include done and dropped tasks
  --json             print {tasks: [{id, title, phase, status, priority, file, normalized, updated,
                     running_ms, agent, daemon_alive, question, attempts, cost_usd, parent, children: [{id, state}]}], problems: [{file, field,
                     message}], hidden, notices: [sentence], sandbox: "bwrap" | "off"}

Examples:
  fleet ls
  fleet ls --status awaiting-approval
  fleet ls --all --json

Exit codes: 0 listed (even with problems; \`fleet doctor\` exits 1 on them) · 2 usage · 3 no repository or .fleet/
`;

/** `  (your turn: fleet approve <id>)` for a task that waits for a person, else "". */
function yourTurnNote(t: BoardEntry): string {
  const hint = nextCommandHint({ ...t, reason: null });
  const r = t.status === "awaiting-merge" ? t.review_branch : null;
  const where = r ? `${r.branch}${r.remote ? ` on ${r.remote}` : ""}` : "";
  const branch = r ? (r.gone ? `${where} is gone, not merged` : `${where}${r.pr ? ` · ${r.pr}` : ""}`) : "";
  if (branch) return `  (${branch}${hint ? `; ${hint}` : ""})`;
  return hint ? `  (${hint})` : "";
}

function line(t: BoardEntry): string[] {
  const extra =
    t.running_ms !== null
      ? `  (${t.agent ? `${t.agent}, ` : ""}running ${formatDuration(t.running_ms)}${t.daemon_alive === false ? "; no daemon holds it — start `fleet watch` to recover it" : ""})`
      : !t.normalized
        ? "  (new file)"
        : t.status === "waiting-children"
          ? `  (children: ${t.children.filter((c) => c.state === "done").length}/${t.children.length} done — ${t.children.map((c) => `${c.id} ${c.state}`).join(", ")})`
          : yourTurnNote(t);
  // A done task is not "ready" for anything: its column says what became of it.
  const status = t.phase === "done" ? "shipped" : t.phase === "dropped" ? "dropped" : t.status;
  return [`  ${t.id}`, status, `P${t.priority}`, `${t.title}${extra}`];
}

/** Runs `fleet ls`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommand(
    "ls",
    argv,
    {
      phase: { type: "string" },
      status: { type: "string" },
      all: { type: "boolean" },
      json: { type: "boolean" },
    },
    { min: 0, max: 0, names: "" },
  );
  const result = await ls({
    cwd: process.cwd(),
    ...(values.phase !== undefined ? { phase: oneOf("ls", "--phase", values.phase, PHASES) } : {}),
    ...(values.status !== undefined ? { status: oneOf("ls", "--status", values.status, STATUSES) } : {}),
    all: values.all ?? false,
  });
  if (values.json) {
    printJson(result);
    return EXIT.ok;
  }
  const rows: string[][] = result.tasks.map(line);
  // Colour after aligning: escape codes would count as width.
  const color = useColor();
  const table = formatTable(rows).map((text, i) => {
    const status = rows[i]?.[1] ?? "";
    const style = color ? statusStyle(status) : null;
    if (!style) return text;
    const at = text.indexOf(` ${status} `, (rows[i]?.[0] ?? "").length);
    return at < 0
      ? text
      : `${text.slice(0, at + 1)}${paint(style, status)}${text.slice(at + 1 + status.length)}`;
  });
  const out: string[] = [];
  let i = 0;
  for (const phase of PHASES) {
    const start = i;
    while (i < result.tasks.length && result.tasks[i]?.phase === phase) i++;
    if (i === start) continue;
    if (out.length) out.push("");
    out.push(`${phase} (${i - start})`, ...table.slice(start, i));
  }
  if (result.tasks.length === 0)
    out.push(
      result.hidden || result.problems.length
        ? "No tasks to show."
        : 'No tasks yet. Add one with `fleet idea "…"` or a file in .fleet/queue/.',
    );
  if (result.hidden) out.push(`(${result.hidden} done or dropped hidden: --all shows them)`);
  if (result.sandbox === "off")
    out.push("sandbox: off — agents and gates run uncontained (.fleet/config.md; see docs/security.md)");
  if (result.problems.length) {
    if (out.length) out.push("");
    out.push(
      `problems (${result.problems.length}) — these files are not read until fixed; \`fleet doctor\` says how:`,
    );
    for (const p of result.problems) out.push(`  ${p.file}${p.field ? `: ${p.field}` : ""}: ${p.message}`);
  }
  if (result.notices.length) {
    if (out.length) out.push("");
    out.push("note: this work tree is not what the daemon uses:");
    for (const n of result.notices) out.push(`  ${n}`);
  }
  printLines(out);
  return EXIT.ok;
}
