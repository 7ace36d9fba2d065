/** `fleet report` — argv and printing; the work is in `src/commands/report.ts` and `src/report/`. */

import { locateFleet } from "../../commands/locate.js";
import { report } from "../../commands/report.js";
import { buildReport, formatReport } from "../../report/build-report.js";
import { writeReportFile } from "../../report/report-file.js";
import { EXIT } from "../exit-codes.js";
import { printError, printJson } from "../output.js";
import { parseCommand } from "./args.js";

export const usage = `Usage: fleet report [--since 12h|<date>] [--json | --markdown]

The morning report: what shipped in the window (commit and diff size), what waits for you (plans
to review, questions to answer — with the command to run), what failed and why, the attempts that
did not pass, what the agents cost per task and in all, runs by outcome (try-later included), and
the time agents spent per phase. \`fleet watch\` prints it when it stops.

Options:
  --since <when>  the window's start: a duration back from now (30m, 12h, 2d) or a date or time
                  (2026-11-21, 2026-11-21T18:00:00Z). Default 12h.
  --markdown      print it as markdown (for a file or a chat message)
  --json          print {since, until, shipped, waiting, failed, failed_runs, cost, runs, phases}

Examples:
  fleet report
  fleet report --since 2026-11-21T18:00:00Z --markdown > night.md

Exit codes: 0 printed · 2 usage · 3 no repository or .fleet/
`;

/** Runs `fleet report`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommand(
    "report",
    argv,
    { since: { type: "string" }, json: { type: "boolean" }, markdown: { type: "boolean" } },
    { min: 0, max: 0, names: "" },
  );
  const r = await report({
    cwd: process.cwd(),
    ...(values.since === undefined ? {} : { since: values.since }),
  });
  if (values.json) printJson(r);
  else process.stdout.write(formatReport(r, values.markdown ? "markdown" : "text"));
  return EXIT.ok;
}

/** `fleet watch` on stop: prints the report of `[since, now]`; a failure to build it is printed, not thrown. */
export async function printReportSince(cwd: string, since: string): Promise<void> {
  try {
    const { paths } = locateFleet(cwd);
    process.stdout.write(
      `\n${formatReport(await buildReport(paths, since, new Date().toISOString()), "text")}`,
    );
  } catch (err) {
    printError(`could not build the report: ${(err as Error).message}`);
  }
}

/** After a drain: writes `report.file` (config.md) when set; a failure is printed, never thrown. */
export async function reportAfterDrain(cwd: string, since: string): Promise<void> {
  try {
    const written = await writeReportFile(locateFleet(cwd).paths, since);
    if (written) process.stderr.write(`fleet: report written to ${written}\n`);
  } catch (err) {
    printError(`could not write the report: ${(err as Error).message}`);
  }
}
