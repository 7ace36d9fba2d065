/** `fleet search <words…>` — argv and printing; the work is in `src/commands/search.ts`. */
import { search } from "../../commands/search.js";
import { EXIT } from "../exit-codes.js";
import { formatTable, printJson, printLines } from "../output.js";
import { parseCommand } from "./args.js";
import { stateText } from "./format.js";

export const usage = `Usage: fleet search <words…> [--json]

The tasks whose title, body, research or plan contain every word (any case), done and dropped ones
included, in id order: one line per task, then where each part matched, with its first matching line.

Options:
  --json   print [{id, title, phase, status, hits: [{part: "task"|"research"|"plan", file, line}]}]

Examples:
  fleet search rate limit
  fleet search "Retry-After" --json

Exit codes: 0 found · 1 nothing matched · 2 usage (no word) · 3 no repository or .fleet/
`;

/** Runs `fleet search`; returns 0 when something matched, 1 when nothing did. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    "search",
    argv,
    { json: { type: "boolean" } },
    { min: 1, max: 100, names: "the words to search for" },
  );
  const matches = await search({ cwd: process.cwd(), words: positionals });
  if (values.json) printJson(matches);
  else if (matches.length === 0) printLines([`No task mentions ${positionals.join(" ")}.`]);
  else {
    const rows = formatTable(matches.map((m) => [m.id, stateText(m), m.title]));
    const out: string[] = [];
    matches.forEach((m, i) => {
      out.push(rows[i] ?? m.id, ...m.hits.map((h) => `    ${h.part}: ${h.line}`));
    });
    printLines(out);
  }
  return matches.length ? EXIT.ok : EXIT.problems;
}
