/** `fleet doctor` — argv and printing; the work is in `src/commands/doctor.ts`. */
import { doctor } from "../../commands/doctor.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printLines } from "../output.js";
import { parseCommand } from "./args.js";
import { doctorLines } from "./doctor-report.js";

export const usage = `Usage: fleet doctor [--deep] [--json]

Checks every file under .fleet/ — config, agents, gates, queue, research, plans, acceptance, runs —
and how they refer to each other: agents and gates named in config.md exist; depends_on, parent and
merged_into name existing tasks; no dependency cycles; no task waits on a dropped one; plan approvals
still match the plan and acceptance content. Reports every problem with file, field, what is wrong
and how to fix it. Warns — without failing — when the work tree is not what the daemon uses: HEAD on
another branch than \`base\`, or config.md, agents/ or gates/ differing from the base tip (the
daemon reads them from there). Never changes a file.

With --deep it also checks what the files cannot show, before any agent runs: in a clean checkout of
the base branch's tip (under the git directory; removed afterwards) \`setup\` runs, and every command
and health gate in config.md must pass with no change at all — a gate red there would fail every
attempt. A file planted under .fleet/acceptance/ must not be loaded by any gate (the project's own
test runner must skip acceptance files). Every agent's CLI must be on PATH or in node_modules/.bin,
and every variable its \`env:\` names must be set in this shell. Gate output is kept in
<git-dir>/fleet/logs/fleet-doctor/. \`fleet init\` runs it at the end.

Options:
  --deep   also run setup and the gates in a clean checkout, and look for the agents' CLIs and env
  --json   print {ok, files, problems: [{file, field, message, fix, line?}], warnings: [same shape],
           deep?: {commit, steps}}

Example:
  fleet doctor || echo "fix the files above"

Exit codes: 0 no problems · 1 problems found · 3 no repository or .fleet/
`;

/** Runs `fleet doctor`; returns 0 when clean, 1 when any problem was found. */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommand(
    "doctor",
    argv,
    { deep: { type: "boolean" }, json: { type: "boolean" } },
    { min: 0, max: 0, names: "" },
  );
  const result = await doctor({
    cwd: process.cwd(),
    deep: values.deep ?? false,
    onStep: values.json ? undefined : (step) => process.stderr.write(`fleet doctor: ${step}…\n`),
  });
  if (values.json) printJson(result);
  else printLines(doctorLines(result));
  return result.ok ? EXIT.ok : EXIT.problems;
}
