/** `fleet edit <id>` — argv and printing; the work is in `src/commands/edit.ts`. */
import { readFileSync } from "node:fs";
import { edit } from "../../commands/edit.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printLines } from "../output.js";
import { intOption, parseCommand } from "./args.js";
import { shortCommit } from "./format.js";

export const usage = `Usage: fleet edit <id> [--title "…"] [--priority N] [--depends-on ids] [--touches globs]
                 [-m body | --body-file file] [--json]

Changes a task's fields the way \`fleet idea\` sets them, with the same checks, as one commit of
.fleet/queue/<id>.md (event: edited). Fields the fleet owns (phase, status, attempts, …) are not
edited here. A done or dropped task is not edited. Nothing is committed when nothing changes.

Options:
  --title "…"            a new title
  --priority N           0 (highest) … 3
  --depends-on a,b       the whole list of tasks it waits for (ids or prefixes); "" for none.
                         A task cannot depend on itself or close a cycle.
  --touches 'g1,g2'      the whole list of globs it may write; "" for none
  -m, --body "…"         replace the body (the task's description)
  --body-file <file>     replace the body with the file's text
  --json                 print {id, title, from, to, commit, changed}

Examples:
  fleet edit rate-l --priority 0 --depends-on auth-tokens-9x2c
  fleet edit rate-l -m "100 requests a minute per key, 429 with Retry-After."

Exit codes: 0 edited (or nothing to change) · 2 usage (bad value, self-dependency, cycle) · 3 no such
task or dependency · 4 the task is done or dropped · 5 locked · 6 git failed
`;

const list = (value: string) =>
  value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** Runs `fleet edit`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    "edit",
    argv,
    {
      title: { type: "string" },
      priority: { type: "string" },
      "depends-on": { type: "string" },
      touches: { type: "string" },
      body: { type: "string", short: "m" },
      "body-file": { type: "string" },
      json: { type: "boolean" },
    },
    { min: 1, max: 1, names: "the task id" },
  );
  const body = values["body-file"] !== undefined ? readFileSync(values["body-file"], "utf8") : values.body;
  const result = await edit({
    cwd: process.cwd(),
    id: positionals[0] ?? "",
    ...(values.title !== undefined ? { title: values.title } : {}),
    ...(values.priority !== undefined
      ? { priority: intOption("edit", "--priority", values.priority, 0, 3) }
      : {}),
    ...(values["depends-on"] !== undefined ? { depends_on: list(values["depends-on"]) } : {}),
    ...(values.touches !== undefined ? { touches: list(values.touches) } : {}),
    ...(body !== undefined ? { body } : {}),
  });
  if (values.json) printJson(result);
  else
    printLines([
      result.changed.length
        ? `${result.id}: changed ${result.changed.join(", ")} (${shortCommit(result.commit)})`
        : `${result.id}: nothing to change`,
    ]);
  return EXIT.ok;
}
