/** `fleet ready <id>` — argv and printing; the work is in `src/commands/ready.ts`. */
import { ready } from "../../commands/ready.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printLines } from "../output.js";
import { parseCommand } from "./args.js";
import { changeLine, nextLine } from "./format.js";

export const usage = `Usage: fleet ready <id> [--json]

Marks an idea as written: idea / draft → idea / ready, so research starts once its depends_on are
done. Also clears a task blocked by a setup problem you have fixed (<phase> / blocked → <phase> / ready).
A file you dropped into .fleet/queue/ without frontmatter gets its full frontmatter written.
One commit (event: ready).

Options:
  --json   print {id, title, from: {phase, status}, to: {phase, status}, commit}

Example:
  fleet ready rate-limit-the-public-api-7k2q

Exit codes: 0 done · 1 the task file is invalid · 2 usage · 3 no such task · 4 not a draft idea or blocked task
`;

/** Runs `fleet ready`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    "ready",
    argv,
    { json: { type: "boolean" } },
    { min: 1, max: 1, names: "the task id" },
  );
  const result = await ready({ cwd: process.cwd(), id: positionals[0] ?? "" });
  if (values.json) printJson(result);
  else
    printLines([
      changeLine(result),
      ...[nextLine(result.id, result.to)].filter((l): l is string => l !== null),
    ]);
  return EXIT.ok;
}
