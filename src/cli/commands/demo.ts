/** `fleet demo` — argv and printing; the work is in `src/commands/demo.ts`. */
import { type DemoResult, type DemoTask, demo } from "../../commands/demo.js";
import type { GateResult } from "../../store/schemas/run.js";
import { EXIT } from "../exit-codes.js";
import { formatTable, paint, printLines } from "../output.js";
import { parseCommand } from "./args.js";
import { eventJson, formatEventLine } from "./event-line.js";

export const usage = `Usage: fleet demo [--keep] [--json]

Shows the whole lifecycle on a small real project, with no API key and no network. It makes a
temporary git repository holding a tiny JavaScript library with its own test suite, runs
\`fleet init\`, switches the agents to the built-in \`script\` runner, writes two ideas as markdown
files and marks them ready, runs the fleet until idle (research, plan), approves both plans on your
behalf, and runs it until idle again (implement, gates, ship). Then it prints the board and
\`git log\`: one idea shipped through every gate (build, test, a reviewer agent, its acceptance check,
a health check of the running service) after one retry; the other stopped by its acceptance check
once its attempts ran out. Takes a few seconds.

Options:
  --keep   keep the project directory and print its path (try \`fleet ls --all\`, \`fleet log\` there)
  --json   one JSON object per line: {"step"}, the daemon's events, then {"result"}

Exit codes: 0 the demo went as designed · 1 it did not (the directory is kept for a look)
`;

function marks(gates: readonly GateResult[]): string {
  return gates
    .map((g) => `${g.gate} ${g.verdict === "pass" ? "✓" : g.verdict === "fail" ? "✗" : "·"}`)
    .join("  ");
}

/** The board: one line per task, then its gates and how it ended. */
function board(tasks: readonly DemoTask[]): string[] {
  const rows = formatTable(
    tasks.map((t) => [
      `  ${t.id}`,
      t.phase === "done" ? "done (shipped)" : `${t.phase} / ${t.status}`,
      t.title,
    ]),
  );
  return tasks.flatMap((t, i) => [
    rows[i] ?? "",
    ...(t.implementGates.length ? [`      implement gates: ${marks(t.implementGates)}`] : []),
    ...(t.shipGates.length ? [`      ship gates:      ${marks(t.shipGates)}`] : []),
    ...(t.shipped ? [`      shipped as ${t.shipped.commit.slice(0, 7)} at ${t.shipped.at}`] : []),
    ...(t.reason ? [`      reason: ${t.reason.split("\n")[0]}`] : []),
  ]);
}

function report(r: DemoResult): string[] {
  const out = ["", paint("bold", "The board (fleet ls --all):"), ...board(r.tasks)];
  out.push("", paint("bold", "git log (newest first) — every step is a commit with Fleet-* trailers:"));
  out.push(...r.gitLog.split("\n").map((l) => `  ${l}`));
  out.push("");
  out.push(
    r.ok
      ? "add-greet shipped after its gates passed on the second attempt; title-case was stopped by its acceptance check."
      : "The demo did not end as designed: see the board above.",
  );
  out.push(
    r.kept
      ? `The project is kept at ${r.dir} — try: cd ${r.dir} && fleet ls --all && fleet log add-greet`
      : "The project directory was removed (--keep leaves it in place).",
  );
  return out;
}

/** Runs `fleet demo`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommand(
    "demo",
    argv,
    { keep: { type: "boolean" }, json: { type: "boolean" } },
    { min: 0, max: 0, names: "" },
  );
  const json = values.json ?? false;
  const result = await demo({
    keep: values.keep ?? false,
    onStep: (text) => {
      if (json) process.stdout.write(`${JSON.stringify({ step: text })}\n`);
      else printLines([paint("cyan", `demo: ${text}`)]);
    },
    onEvent: (e) => process.stdout.write(`${json ? eventJson(e) : formatEventLine(e)}\n`),
  });
  if (json) process.stdout.write(`${JSON.stringify({ result })}\n`);
  else printLines(report(result));
  return result.ok ? EXIT.ok : EXIT.problems;
}
