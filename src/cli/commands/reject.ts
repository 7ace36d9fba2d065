/** `fleet reject <id> -m "…"` — argv and printing; the work is in `src/commands/reject.ts`. */
import { reject } from "../../commands/reject.js";
import { FleetError } from "../../errors.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printLines } from "../output.js";
import { parseCommand } from "./args.js";
import { changeLine, nextLine } from "./format.js";

export const usage = `Usage: fleet reject <id> -m "<reason>" [--json]

Sends a plan back to the planner: plan / awaiting-approval → plan / ready. The plan records
rejection: {by, at, reason}; the planner reads the reason and writes a new plan, which you review
as a diff. One commit (event: rejected), the reason as its body.

Options:
  -m, --message <reason>  what to change (required)
  --json                  print {id, title, from, to, commit}

Example:
  fleet reject rate-limit-the-public-api-7k2q -m "Limit per API key, not per IP."

Exit codes: 0 done · 1 the task or plan file is invalid · 2 usage (no reason) · 3 no such task
            4 no plan waits for approval
`;

/** Runs `fleet reject`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    "reject",
    argv,
    { message: { type: "string", short: "m" }, json: { type: "boolean" } },
    { min: 1, max: 1, names: "the task id" },
  );
  if (!values.message?.trim()) {
    throw new FleetError("usage", "fleet reject: say why with -m", {
      hint: `fleet reject ${positionals[0]} -m "what to change"`,
    });
  }
  const result = await reject({ cwd: process.cwd(), id: positionals[0] ?? "", reason: values.message });
  if (values.json) printJson(result);
  else
    printLines([
      changeLine(result),
      ...[nextLine(result.id, result.to)].filter((l): l is string => l !== null),
    ]);
  return EXIT.ok;
}
