/** `fleet answer <id> "…"` — argv and printing; the work is in `src/commands/answer.ts`. */
import { answer } from "../../commands/answer.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printLines } from "../output.js";
import { parseCommand } from "./args.js";
import { changeLine, nextLine } from "./format.js";

export const usage = `Usage: fleet answer <id> "<answer>" [--json]

Answers the question an agent asked (\`fleet show <id>\` prints it): <phase> / blocked → <phase> / ready.
The question and your answer are appended to the task's answers, which the agent reads on its next
attempt. One commit (event: answered).

Options:
  --json   print {id, title, from, to, commit}

Example:
  fleet answer rate-limit-the-public-api-7k2q "Per API key; anonymous calls share one bucket."

Exit codes: 0 done · 1 the task file is invalid · 2 usage · 3 no such task · 4 no open question
`;

/** Runs `fleet answer`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    "answer",
    argv,
    { json: { type: "boolean" } },
    { min: 2, max: 2, names: "the task id and the answer" },
  );
  const result = await answer({ cwd: process.cwd(), id: positionals[0] ?? "", answer: positionals[1] ?? "" });
  if (values.json) printJson(result);
  else
    printLines([
      changeLine(result),
      ...[nextLine(result.id, result.to)].filter((l): l is string => l !== null),
    ]);
  return EXIT.ok;
}
