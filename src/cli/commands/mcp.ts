/** `fleet mcp` — argv only; the server is `src/mcp/serve-mcp.ts`, the snippets `src/commands/mcp-snippets.ts`. */
import { readFileSync } from "node:fs";
import { addAgentsSection, mcpSnippets } from "../../commands/mcp-snippets.js";
import { EXIT } from "../exit-codes.js";
import { printJson } from "../output.js";
import { parseCommand } from "./args.js";

export const usage = `Usage: fleet mcp [--print-config [--json] | --add-section <file>]

Serves this repository's fleet queue to coding agents (Claude Code, Codex, any MCP client) as a
Model Context Protocol server over stdin/stdout. Tools:
  list_tasks    the queue by phase and status
  search_tasks  tasks whose id, title or description hold every word of a query
  show_task     one task: description, research, plan, acceptance checks, approval state, runs
  create_idea   file a new idea as a draft (one commit); a person marks it ready
Nothing approves, rejects, answers or marks ready: those stay with people.

Options:
  --print-config  print the .mcp.json (Claude Code) and config.toml (Codex) snippets, and a section
                  for AGENTS.md / CLAUDE.md on how to file ideas, instead of serving
  --json          with --print-config: print them as JSON
  --add-section <file>  append that section to <file> (AGENTS.md, CLAUDE.md; created if missing),
                  once: a file that has it already is left alone. Not committed: review it first.

Examples:
  claude mcp add --scope project gitfleet -- fleet mcp
  fleet mcp --add-section AGENTS.md

Exit codes: 0 stdin closed · 2 usage · 3 no repository or .fleet/
`;

/** Runs `fleet mcp`; returns the exit code once the client closes stdin. */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommand(
    "mcp",
    argv,
    { "print-config": { type: "boolean" }, json: { type: "boolean" }, "add-section": { type: "string" } },
    { min: 0, max: 0, names: "" },
  );
  if (values["add-section"] !== undefined) {
    const r = addAgentsSection(process.cwd(), values["add-section"]);
    process.stdout.write(
      r.added
        ? `Added "Filing work for the fleet" to ${r.file}; review it and commit it.\n`
        : `${r.file} has the section already: left as it was.\n`,
    );
    return EXIT.ok;
  }
  if (values["print-config"]) {
    const s = mcpSnippets();
    if (values.json) printJson(s);
    else {
      process.stdout.write(
        `Claude Code — .mcp.json at the repository root (or: ${s.claudeCodeCommand}):\n\n${s.claudeCode}\nCodex — ~/.codex/config.toml (or: ${s.codexCommand}):\n\n${s.codex}\nFor AGENTS.md or CLAUDE.md:\n\n${s.agentsSection}`,
      );
    }
    return EXIT.ok;
  }
  const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  const { serveMcp } = await import("../../mcp/serve-mcp.js");
  await serveMcp(process.cwd(), pkg.version);
  return EXIT.ok;
}
