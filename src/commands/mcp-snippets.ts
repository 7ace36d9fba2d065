/**
 * What a person pastes so their own coding agent sees the fleet's queue through `fleet mcp`: the
 * `.mcp.json` entry for Claude Code, the `config.toml` entry for Codex (or their `mcp add` commands), and
 * a short section for the project's AGENTS.md / CLAUDE.md saying how to file ideas. Printed by
 * `fleet mcp --print-config` and offered by `fleet init`; `fleet mcp --add-section <file>` appends the
 * section to a file the person names (uncommitted).
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { FleetError, isErrnoError } from "../errors.js";
import { findRepoSync } from "../git/repo.js";

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

/** What {@link addAgentsSection} did: the file (relative to the repository root) and whether it changed. */
export interface AgentsSectionResult {
  file: string;
  added: boolean;
}

/**
 * Appends {@link mcpSnippets}' `agentsSection` to `file` (e.g. `AGENTS.md` or `CLAUDE.md`, relative to
 * the repository root containing `cwd`), creating it when missing; does nothing when the section's
 * heading is there already. Nothing is committed: the person reviews and commits it.
 * @throws FleetError("usage") for a path outside the work tree or inside `.fleet/` / `.git/`.
 */
export function addAgentsSection(cwd: string, file: string): AgentsSectionResult {
  const root = findRepoSync(cwd).root;
  const abs = path.resolve(root, file);
  const rel = path.relative(root, abs);
  const first = rel.split(path.sep)[0];
  if (rel.startsWith("..") || path.isAbsolute(rel) || first === ".fleet" || first === ".git") {
    throw new FleetError(
      "usage",
      `fleet mcp: ${file} is not a file of this work tree outside .fleet/ and .git/`,
      {
        hint: "Name the project's own notes file, e.g. AGENTS.md or CLAUDE.md.",
      },
    );
  }
  const section = mcpSnippets().agentsSection;
  const heading = section.split("\n")[0] ?? "";
  let text = "";
  try {
    text = readFileSync(abs, "utf8");
  } catch (err) {
    if (!isErrnoError(err, "ENOENT")) throw err;
  }
  const shown = rel.split(path.sep).join("/");
  if (text.split("\n").includes(heading)) return { file: shown, added: false };
  const sep = text === "" ? "" : text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n";
  writeFileSync(abs, `${text}${sep}${section}`);
  return { file: shown, added: true };
}
