/** `fleet merge <id> --into <other>` — argv and printing; the work is in `src/commands/merge.ts`. */
import { merge } from "../../commands/merge.js";
import { FleetError } from "../../errors.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printLines } from "../output.js";
import { parseCommand } from "./args.js";
import { changeLine } from "./format.js";

export const usage = `Usage: fleet merge <id> --into <other> [--json]

Folds one idea into another: <id> becomes dropped with merged_into: <other>, its body is appended to
<other>'s under "## Merged from <id>: <title>", and tasks that depended on <id> depend on <other>.
One commit (event: merged).

Options:
  --into <other>  the task that absorbs it (required)
  --json          print {id, title, from, to, commit, into, dependents}

Example:
  fleet merge throttle-login-2b7c --into rate-limit-the-public-api-7k2q

Exit codes: 0 done · 1 a task file is invalid · 2 usage · 3 no such task · 4 a task is already done or dropped
`;

/** Runs `fleet merge`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    "merge",
    argv,
    { into: { type: "string" }, json: { type: "boolean" } },
    { min: 1, max: 1, names: "the task id" },
  );
  if (!values.into)
    throw new FleetError("usage", "fleet merge: say which task absorbs it with --into <id>", {
      hint: "Run `fleet merge --help` for usage.",
    });
  const result = await merge({ cwd: process.cwd(), id: positionals[0] ?? "", into: values.into });
  if (values.json) printJson(result);
  else {
    const moved = result.dependents.length
      ? [`  depends_on moved to ${result.into} in: ${result.dependents.join(", ")}`]
      : [];
    printLines([changeLine(result), `  merged into ${result.into}`, ...moved]);
  }
  return EXIT.ok;
}
