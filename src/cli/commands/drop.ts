/** `fleet drop <id> -m "…"` — argv and printing; the work is in `src/commands/drop.ts`. */
import { drop } from "../../commands/drop.js";
import { FleetError } from "../../errors.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printLines } from "../output.js";
import { parseCommand } from "./args.js";
import { changeLine } from "./format.js";

export const usage = `Usage: fleet drop <id> -m "<reason>" [--json]

Stops a task for good: any phase → dropped, with the reason. Its files stay, so \`fleet show\` and
\`git log\` still tell its story; \`fleet ls --all\` lists it. One commit (event: dropped).

Options:
  -m, --message <reason>  why (required)
  --json                  print {id, title, from, to, commit}

Example:
  fleet drop add-dark-mode-3k9x -m "Out of scope for this quarter."

Exit codes: 0 done · 1 the task file is invalid · 2 usage (no reason) · 3 no such task · 4 already done or dropped
`;

/** Runs `fleet drop`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    "drop",
    argv,
    { message: { type: "string", short: "m" }, json: { type: "boolean" } },
    { min: 1, max: 1, names: "the task id" },
  );
  if (!values.message?.trim()) {
    throw new FleetError("usage", "fleet drop: say why with -m", {
      hint: `fleet drop ${positionals[0]} -m "why"`,
    });
  }
  const result = await drop({ cwd: process.cwd(), id: positionals[0] ?? "", reason: values.message });
  if (values.json) printJson(result);
  else printLines([changeLine(result)]);
  return EXIT.ok;
}
