/** `fleet cost` — argv and printing; the work is in `src/commands/cost.ts`. */
import { cost } from "../../commands/cost.js";
import type { CostRow, TaskCostRow } from "../../lifecycle/cost.js";
import { EXIT } from "../exit-codes.js";
import { formatTable, printJson, printLines } from "../output.js";
import { parseCommand } from "./args.js";
import { formatUsd } from "./format.js";

export const usage = `Usage: fleet cost [--all] [--json]

What the agents cost, from the run records in .fleet/runs/: every attempt counts, failed ones
included. Dollars are what the agent CLI reported (claude-code, aider) or tokens priced with
\`prices:\` in .fleet/config.md (codex, gemini); runs that used tokens but have no price are counted
as "unpriced". Totals per shipped task, per phase, per agent and model, and per night (the local
date a run started).

Options:
  --all    list tasks that have not shipped one by one too (default: one summary line)
  --json   print {total, tasks, phases, agents, nights}: rows of {key, usd, input_tokens,
           output_tokens, runs, unpriced}; task rows add {title, shipped, shipped_at, children,
           with_children} (a fanned-out task's runs plus its children's)

Exit codes: 0 shown · 2 usage · 3 no repository or no .fleet/
`;

function tokens(n: number): string {
  return n.toLocaleString("en-US");
}

function rowCells(label: string, r: CostRow, extra = ""): string[] {
  const unpriced = r.unpriced ? `  (${r.unpriced} unpriced)` : "";
  return [
    `  ${label}`,
    formatUsd(r.usd),
    `${r.runs} run${r.runs === 1 ? "" : "s"}`,
    `${tokens(r.input_tokens)} in / ${tokens(r.output_tokens)} out${unpriced}`,
    extra,
  ];
}

function section(title: string, rows: string[][]): string[] {
  return rows.length ? ["", title, ...formatTable(rows)] : [];
}

/** A task's title, and for a fanned-out task what it cost with its children. */
function withChildren(r: TaskCostRow): string {
  if (!r.with_children) return r.title;
  const n = r.children.length;
  return `${r.title} (with its ${n} child${n === 1 ? "" : "ren"}: ${formatUsd(r.with_children.usd)} on ${r.with_children.runs} runs)`;
}

/** Runs `fleet cost`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommand(
    "cost",
    argv,
    { all: { type: "boolean" }, json: { type: "boolean" } },
    { min: 0, max: 0, names: "" },
  );
  const report = await cost({ cwd: process.cwd() });
  if (values.json) {
    printJson(report);
    return EXIT.ok;
  }
  const t = report.total;
  if (t.runs === 0) {
    printLines(["No runs yet: nothing has cost anything."]);
    return EXIT.ok;
  }
  const unpriced = t.unpriced
    ? `; ${t.unpriced} run${t.unpriced === 1 ? " used tokens but has" : "s used tokens but have"} no price`
    : "";
  const out = [
    `Spent ${formatUsd(t.usd)} on ${t.runs} run${t.runs === 1 ? "" : "s"} (${tokens(t.input_tokens)} tokens in, ${tokens(t.output_tokens)} out)${unpriced}.`,
  ];
  const shipped = report.tasks.filter((r) => r.shipped);
  const open = report.tasks.filter((r) => !r.shipped);
  out.push(
    ...section(
      "Shipped tasks",
      shipped.map((r) => rowCells(r.key, r, withChildren(r))),
    ),
  );
  if (values.all)
    out.push(
      ...section(
        "Not shipped",
        open.map((r) => rowCells(r.key, r, withChildren(r))),
      ),
    );
  else if (open.length) {
    const sum = open.reduce((acc, r) => ({ usd: acc.usd + r.usd, runs: acc.runs + r.runs }), {
      usd: 0,
      runs: 0,
    });
    out.push(
      "",
      `Not shipped: ${open.length} task${open.length === 1 ? "" : "s"}, ${formatUsd(sum.usd)} on ${sum.runs} runs (fleet cost --all lists them)`,
    );
  }
  out.push(
    ...section(
      "By phase",
      report.phases.map((r) => rowCells(r.key, r)),
    ),
  );
  out.push(
    ...section(
      "By agent and model",
      report.agents.map((r) => rowCells(r.key, r)),
    ),
  );
  out.push(
    ...section(
      "By night (local date the run started)",
      report.nights.map((r) => rowCells(r.key, r)),
    ),
  );
  printLines(out);
  return EXIT.ok;
}
