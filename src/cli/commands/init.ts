/** `fleet init` — argv and printing; the work is in `src/commands/init.ts`. */
import { init } from "../../commands/init.js";
import { gatePlan } from "../../commands/init-templates.js";
import { mcpSnippets } from "../../commands/mcp-snippets.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printLines } from "../output.js";
import { parseCommand } from "./args.js";
import { shortCommit } from "./format.js";

export const usage = `Usage: fleet init [--force] [--json]

Creates .fleet/ in this repository and commits it (event: initialized; Fleet-Task and Fleet-Phase
are "fleet" for store-wide events):
  config.md        settings, every field commented
  agents/          researcher, planner, implementer, reviewer (runner: claude-code; \`runner: script\`
                   runs without a model)
  gates/           a command gate per package.json script among build, test, lint (run with your
                   package manager), plus acceptance; config.md lists them per phase
  queue/ plans/ acceptance/ research/ runs/   empty, kept with .gitkeep
Only .fleet/ is committed: your staged and unstaged work is left as it was.

Options:
  --force   .fleet/ exists already: add only the files that are missing, never overwrite
  --json    print {root, facts, created, kept, commit}

Example:
  git init && fleet init

Exit codes: 0 done · 3 not a git repository or no git identity · 4 .fleet/ exists (use --force) · 6 git failed
`;

/** Runs `fleet init`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommand(
    "init",
    argv,
    { force: { type: "boolean" }, json: { type: "boolean" } },
    { min: 0, max: 0, names: "" },
  );
  const result = await init({ cwd: process.cwd(), force: values.force ?? false });
  if (values.json) {
    printJson(result);
    return EXIT.ok;
  }
  if (result.created.length === 0) {
    printLines([`.fleet/ is complete in ${result.root}: nothing to add.`]);
    return EXIT.ok;
  }
  const gates = gatePlan(result.facts);
  printLines([
    `${result.kept.length ? "Completed" : "Created"} .fleet/ in ${result.root} (${shortCommit(result.commit)}):`,
    ...result.created.map((f) => `  + ${f}`),
    ...(result.kept.length ? [`  (${result.kept.length} files already there were kept as they are)`] : []),
    "",
    `Gates: implement ${gates.implement.join(", ")}; ship ${gates.ship.join(", ")}.`,
    'Next: read .fleet/config.md, then `fleet idea "…"` and `fleet ready <id>`; `fleet doctor` checks the files.',
    mcpOffer(),
  ]);
  return EXIT.ok;
}

/** The offer to let the person's own agents see the queue (`fleet mcp`). */
function mcpOffer(): string {
  return `Let Claude Code or Codex see the queue and file ideas: \`${mcpSnippets().claudeCodeCommand}\` (more: \`fleet mcp --print-config\`).`;
}
