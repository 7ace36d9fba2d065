/** `fleet retry <id>` — argv and printing; the work is in `src/commands/retry.ts`. */
import { retry } from "../../commands/retry.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printLines } from "../output.js";
import { parseCommand } from "./args.js";
import { changeLine, nextLine } from "./format.js";

export const usage = `Usage: fleet retry <id> [--json]

Gives a failed task new attempts: <phase> / failed → <phase> / ready, with attempts.<phase> reset to 0.
Read why it failed first (\`fleet show <id>\`, \`fleet log <id>\`). One commit (event: retried).

Options:
  --json   print {id, title, from: {phase, status}, to: {phase, status}, commit}

Example:
  fleet retry rate-limit-the-public-api-7k2q

Exit codes: 0 done · 1 the task file is invalid · 2 usage · 3 no such task · 4 the task has not failed
`;

/** Runs `fleet retry`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    "retry",
    argv,
    { json: { type: "boolean" } },
    { min: 1, max: 1, names: "the task id" },
  );
  const result = await retry({ cwd: process.cwd(), id: positionals[0] ?? "" });
  if (values.json) printJson(result);
  else
    printLines([
      changeLine(result),
      ...[nextLine(result.id, result.to)].filter((l): l is string => l !== null),
    ]);
  return EXIT.ok;
}
