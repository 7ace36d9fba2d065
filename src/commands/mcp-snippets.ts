/**
 * What a person pastes so their own coding agent sees the fleet's queue through `fleet mcp`: the
 * `.mcp.json` entry for Claude Code, the `config.toml` entry for Codex (or their `mcp add` commands), and
 * a short section for the project's AGENTS.md / CLAUDE.md saying how to file ideas. Printed by
 * `fleet mcp --print-config` and offered by `fleet init`; nothing is written.
 */

/** The snippets, each ready to paste. */
export interface McpSnippets {
  /** `.mcp.json` at the repository root (Claude Code's project-scoped servers). */
  claudeCode: string;
  claudeCodeCommand: string;
  /** `~/.codex/config.toml`. */
  codex: string;
  codexCommand: string;
  /** A section for AGENTS.md / CLAUDE.md. */
  agentsSection: string;
}

/** The snippets for a `fleet` on PATH. */
export function mcpSnippets(): McpSnippets {
  return {
    claudeCode: `${JSON.stringify({ mcpServers: { gitfleet: { command: "fleet", args: ["mcp"] } } }, null, 2)}\n`,
    claudeCodeCommand: "claude mcp add --scope project gitfleet -- fleet mcp",
    codex: '[mcp_servers.gitfleet]\ncommand = "fleet"\nargs = ["mcp"]\n',
    codexCommand: "codex mcp add gitfleet -- fleet mcp",
    agentsSection: `## Filing work for the fleet

This repository runs gitfleet: work goes idea → research → plan → implement → ship, and a person
approves every plan. To suggest work, do not start it yourself: use the \`gitfleet\` MCP server's
\`search_tasks\` (is it filed already?) and \`create_idea\` (a title and why it matters), or run
\`fleet idea "<title>" -m "<why>"\`. The idea waits as a draft until a person marks it ready.
\`list_tasks\` and \`show_task\` tell what the fleet is doing. Never edit files under .fleet/ by hand.
`,
  };
}
