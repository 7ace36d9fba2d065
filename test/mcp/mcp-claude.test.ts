/**
 * The real `claude` CLI (pinned devDependency) sees the queue through `fleet mcp`: it is pointed at the
 * scripted model server on 127.0.0.1, started with an MCP config naming the built `fleet mcp`, and the
 * scripted model calls `list_tasks` — so the test sees the tools claude offered the model and the
 * queue that came back from fleet as the tool's result.
 */
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { commitFleetDir, writeTaskFile } from "../helpers/fleet-fixtures.js";
import { CLI, fleetOk } from "../helpers/run-fleet.js";
import { tempDir, tempRepo, writeFile } from "../helpers/temp-repo.js";
import { CLAUDE_BIN, claudeParentEnv } from "../support/agent-clis.js";
import { type ModelRequest, serveModelPerTest } from "../support/model-server.js";

const serve = serveModelPerTest();

function runClaude(
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(CLAUDE_BIN, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      err += c.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

describe("fleet mcp with the real claude CLI", () => {
  it("offers fleet's four tools to the model and returns the queue when the model calls list_tasks", async () => {
    const root = tempRepo();
    fleetOk(root, ["init", "--no-check"]);
    writeTaskFile(root, {
      id: "rate-limit",
      title: "Rate-limit the API",
      phase: "plan",
      status: "awaiting-approval",
    });
    commitFleetDir(root);
    // claude also sends side requests (a title, on a small model): answer by what each request is.
    const main = (q: ModelRequest) => q.body?.model === "claude-sonnet-4-5";
    const server = await serve({
      fallback: (q) =>
        !main(q)
          ? { text: "Fleet queue" }
          : q.text.includes("rate-limit")
            ? { text: "One plan waits for review." }
            : { tools: [{ name: "mcp__gitfleet__list_tasks", input: {} }] },
    });
    const config = writeFile(
      tempDir("mcp-config-"),
      "mcp.json",
      JSON.stringify({ mcpServers: { gitfleet: { command: process.execPath, args: [CLI, "mcp"] } } }),
    );
    const r = await runClaude(
      root,
      [
        "-p",
        "What is in the fleet's queue?",
        "--output-format",
        "json",
        "--mcp-config",
        config,
        "--strict-mcp-config",
        "--allowedTools",
        "mcp__gitfleet__list_tasks",
        "--model",
        "claude-sonnet-4-5",
      ],
      claudeParentEnv(server),
    );
    expect(r.code, r.out + r.err).toBe(0);
    const conversation = server.requests.filter((q) => q.scripted && main(q));
    const offered = ((conversation[0]?.body?.tools ?? []) as { name: string }[])
      .map((t) => t.name)
      .filter((n) => n.startsWith("mcp__gitfleet__"));
    expect(offered.sort()).toEqual([
      "mcp__gitfleet__create_idea",
      "mcp__gitfleet__list_tasks",
      "mcp__gitfleet__search_tasks",
      "mcp__gitfleet__show_task",
    ]);
    expect(conversation[1]?.text).toContain('"id": "rate-limit"');
    expect(JSON.parse(r.out).result).toBe("One plan waits for review.");
  });
});
