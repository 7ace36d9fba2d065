/** `fleet doctor` — argv and printing; the work is in `src/commands/doctor.ts`. */
import { doctor } from "../../commands/doctor.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printLines } from "../output.js";
import { parseCommand } from "./args.js";

export const usage = `Usage: fleet doctor [--json]

Checks every file under .fleet/ — config, agents, gates, queue, research, plans, acceptance, runs —
and how they refer to each other: agents and gates named in config.md exist; depends_on, parent and
merged_into name existing tasks; no dependency cycles; no task waits on a dropped one; plan approvals
still match the plan and acceptance content. Reports every problem with file, field, what is wrong
and how to fix it. Warns — without failing — when the work tree is not what the daemon uses: HEAD on
another branch than \`base\`, or config.md, agents/ or gates/ differing from the base tip (the
daemon reads them from there). Never changes a file.

Options:
  --json   print {ok, files, problems: [{file, field, message, fix, line?}], warnings: [same shape]}

Example:
  fleet doctor || echo "fix the files above"

Exit codes: 0 no problems · 1 problems found · 3 no repository or .fleet/
`;

/** Runs `fleet doctor`; returns 0 when clean, 1 when any problem was found. */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommand(
    "doctor",
    argv,
    { json: { type: "boolean" } },
    { min: 0, max: 0, names: "" },
  );
  const result = await doctor({ cwd: process.cwd() });
  if (values.json) {
    printJson(result);
    return result.ok ? EXIT.ok : EXIT.problems;
  }
  const out: string[] = [];
  const list = (items: typeof result.problems) => {
    for (const p of items) {
      const where = `${p.file}${p.line !== undefined ? `:${p.line}` : ""}${p.field ? ` (${p.field})` : ""}`;
      out.push("", `  ${where}`, `    ${p.message}`, `    fix: ${p.fix}`);
    }
  };
  if (result.ok) out.push(`Checked ${result.files} files in .fleet/: no problems.`);
  else {
    out.push(
      `${result.problems.length} problem${result.problems.length === 1 ? "" : "s"} in .fleet/ (${result.files} files checked):`,
    );
    list(result.problems);
  }
  if (result.warnings.length) {
    out.push(
      "",
      `${result.warnings.length} warning${result.warnings.length === 1 ? "" : "s"} (not problems):`,
    );
    list(result.warnings);
  }
  printLines(out);
  return result.ok ? EXIT.ok : EXIT.problems;
}
