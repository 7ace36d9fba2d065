/** `fleet mcp` (built CLI) driven by the MCP SDK's own stdio client, on a temp repository. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterEach, describe, expect, it } from "vitest";
import { fleetPaths } from "../../src/store/paths.js";
import { readTask } from "../../src/store/read-tasks.js";
import { commitFleetDir, writeTaskFile } from "../helpers/fleet-fixtures.js";
import { CLI, fleetOk, runFleet } from "../helpers/run-fleet.js";
import { gitOut, tempDir, tempRepo, testEnv, writeFile } from "../helpers/temp-repo.js";

const clients: Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
});

async function connect(root: string): Promise<Client> {
  const env = Object.fromEntries(
    Object.entries(testEnv(tempDir("fleet-home-"))).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, "mcp"],
    cwd: root,
    env,
    stderr: "pipe",
  });
  const client = new Client({ name: "gitfleet-test", version: "0" });
  await client.connect(transport);
  clients.push(client);
  return client;
}

function text(result: Awaited<ReturnType<Client["callTool"]>>): string {
  const content = result.content as { type: string; text: string }[];
  return content.map((c) => c.text).join("");
}

describe("fleet mcp", () => {
  it("lists, searches and shows tasks, and files a draft idea as one commit; it offers nothing that approves or answers", async () => {
    const root = tempRepo();
    fleetOk(root, ["init", "--no-check"]);
    writeTaskFile(
      root,
      { id: "rate-limit", title: "Rate-limit the API", phase: "plan", status: "awaiting-approval" },
      "Per API key, with a burst of 10.\n",
    );
    writeTaskFile(root, {
      id: "ask",
      title: "Pick a store",
      phase: "research",
      status: "blocked",
      question: "Redis or Postgres?",
    });
    commitFleetDir(root);
    const client = await connect(root);

    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      "create_idea",
      "list_tasks",
      "search_tasks",
      "show_task",
    ]);
    expect(tools.find((t) => t.name === "show_task")?.annotations?.readOnlyHint).toBe(true);

    const listed = JSON.parse(text(await client.callTool({ name: "list_tasks", arguments: {} })));
    expect(listed.tasks.map((t: { id: string }) => t.id)).toEqual(["ask", "rate-limit"]);
    const blocked = JSON.parse(
      text(await client.callTool({ name: "list_tasks", arguments: { status: "blocked" } })),
    );
    expect(blocked.tasks).toEqual([
      {
        id: "ask",
        title: "Pick a store",
        phase: "research",
        status: "blocked",
        priority: 2,
        question: "Redis or Postgres?",
      },
    ]);

    const found = JSON.parse(
      text(await client.callTool({ name: "search_tasks", arguments: { query: "burst API" } })),
    );
    expect(found.hits).toEqual([
      {
        id: "rate-limit",
        title: "Rate-limit the API",
        phase: "plan",
        status: "awaiting-approval",
        excerpt: "Per API key, with a burst of 10.",
      },
    ]);

    const shown = JSON.parse(
      text(await client.callTool({ name: "show_task", arguments: { id: "rate-limit" } })),
    );
    expect(shown).toMatchObject({
      task: { id: "rate-limit", phase: "plan" },
      description: "Per API key, with a burst of 10.\n",
    });
    const missing = await client.callTool({ name: "show_task", arguments: { id: "nope" } });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toMatch(/no task "nope"|nope/);

    const head = gitOut(root, "rev-parse", "HEAD");
    const made = JSON.parse(
      text(
        await client.callTool({
          name: "create_idea",
          arguments: { title: "Cache the greetings", body: "They repeat.", priority: 1 },
        }),
      ),
    );
    expect(made).toMatchObject({ phase: "idea", status: "draft" });
    const r = readTask(fleetPaths(root), made.id);
    expect(r?.ok && r.task.record).toMatchObject({
      title: "Cache the greetings",
      priority: 1,
      status: "draft",
    });
    expect(gitOut(root, "rev-list", "--count", `${head}..HEAD`)).toBe("1");
    expect(gitOut(root, "log", "-1", "--format=%(trailers:key=Fleet-Event,valueonly)")).toBe("created");
  });

  it("prints the snippets for Claude Code and Codex, and fleet init offers them", () => {
    const root = tempRepo();
    expect(fleetOk(root, ["init", "--no-check"]).stdout).toContain(
      "claude mcp add --scope project gitfleet -- fleet mcp",
    );
    const s = JSON.parse(fleetOk(root, ["mcp", "--print-config", "--json"]).stdout);
    expect(JSON.parse(s.claudeCode)).toEqual({
      mcpServers: { gitfleet: { command: "fleet", args: ["mcp"] } },
    });
    expect(s.codex).toBe('[mcp_servers.gitfleet]\ncommand = "fleet"\nargs = ["mcp"]\n');
    expect(s.agentsSection).toMatch(/create_idea/);

    writeFile(root, "AGENTS.md", "# Our project\n\nBe kind.\n");
    expect(fleetOk(root, ["mcp", "--add-section", "AGENTS.md"]).stdout).toMatch(
      /^Added "Filing work for the fleet" to AGENTS.md/,
    );
    expect(fleetOk(root, ["mcp", "--add-section", "AGENTS.md"]).stdout).toMatch(/has the section already/);
    expect(readFileSync(path.join(root, "AGENTS.md"), "utf8")).toBe(
      `# Our project\n\nBe kind.\n\n${s.agentsSection}`,
    );
    expect(runFleet(root, ["mcp", "--add-section", ".fleet/config.md"]).code).toBe(2);
  });
});
