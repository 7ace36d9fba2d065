/** `fleet idea "<title>"` — argv and printing; the work is in `src/commands/idea.ts`. */
import { idea } from "../../commands/idea.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printLines } from "../output.js";
import { intOption, parseCommand } from "./args.js";
import { nextLine, shortCommit } from "./format.js";

export const usage = `Usage: fleet idea "<title>" [-m <body>] [--ready] [--priority <0-3>]
                  [--depends-on <id>]... [--touches <glob>]... [--id <id>] [--json]

Writes a new idea to .fleet/queue/<id>.md and commits it (event: created). The id is the title as a
slug plus a random suffix (rate-limit-the-public-api-7k2q) unless --id gives one; it never changes.
You can also just write a markdown file into .fleet/queue/ — its first heading is its title.

Options:
  -m, --message <text>  the body: why we want it, what good looks like
  --ready               ready for research now (default: draft; see \`fleet ready\`)
  --priority <n>        0 (highest) … 3 (lowest); default 2
  --depends-on <id>     start only once this task is done (repeatable)
  --touches <glob>      paths it will change; overlapping tasks never run at once (repeatable)
  --id <id>             choose the id yourself (lowercase letters, digits, dashes)
  --json                print the result as JSON: {id, title, phase, status, file, commit}

Examples:
  fleet idea "Rate-limit the public API" -m "One client took us down twice." --priority 1
  fleet idea "Add a /health endpoint" --ready --touches 'src/server/**'

Exit codes: 0 created · 2 usage · 3 no repository, no .fleet/, unknown --depends-on · 4 --id taken
`;

/** Runs `fleet idea` with `argv`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    "idea",
    argv,
    {
      message: { type: "string", short: "m" },
      ready: { type: "boolean" },
      priority: { type: "string" },
      "depends-on": { type: "string", multiple: true },
      touches: { type: "string", multiple: true },
      id: { type: "string" },
      json: { type: "boolean" },
    },
    { min: 1, max: 1, names: "the idea's title" },
  );
  const result = await idea({
    cwd: process.cwd(),
    title: positionals[0] ?? "",
    ...(values.message !== undefined ? { body: values.message } : {}),
    ready: values.ready ?? false,
    ...(values.priority !== undefined
      ? { priority: intOption("idea", "--priority", values.priority, 0, 3) }
      : {}),
    dependsOn: values["depends-on"] ?? [],
    touches: values.touches ?? [],
    ...(values.id !== undefined ? { id: values.id } : {}),
  });
  if (values.json) printJson(result);
  else
    printLines([
      `${result.id}: ${result.phase} / ${result.status} — ${result.title}`,
      `  ${result.file} (${shortCommit(result.commit)})`,
      ...[nextLine(result.id, result)].filter((l): l is string => l !== null),
    ]);
  return EXIT.ok;
}
