/**
 * The claude-code runner driving the real `claude` CLI (the pinned devDependency) against the scripted
 * model server: files are really read and written by Claude Code's own tools, under the phase's
 * permissions; cost and tokens are what the CLI reported; failures land in the right class.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runClaudeCode } from "../../src/agents/claude-code.js";
import {
  CLAUDE_BIN,
  CLAUDE_ENV_NAMES,
  claudeParentEnv,
  FAKE_ANTHROPIC_KEY,
  promptValue,
} from "../support/agent-clis.js";
import { type ModelServer, serveModelPerTest } from "../support/model-server.js";
import { makeRequest } from "./request.js";

const serve = serveModelPerTest();

function claudeRequest(s: ModelServer, agent: Record<string, unknown> = {}, overrides = {}) {
  return makeRequest(
    { runner: "claude-code", command: [CLAUDE_BIN], env: CLAUDE_ENV_NAMES, ...agent },
    { parentEnv: claudeParentEnv(s), ...overrides },
  );
}

/** The `result` event the CLI printed, read back from the transcript. */
function resultEvent(logFile: string): Record<string, unknown> {
  const line = readFileSync(logFile, "utf8")
    .split("\n")
    .find((l) => l.startsWith('{"type":"result"'));
  if (!line) throw new Error("no result event in the transcript");
  return JSON.parse(line) as Record<string, unknown>;
}

describe("claude-code runner (real claude CLI)", () => {
  it("research: reads the checkout, writes only into FLEET_OUTPUT_DIR, reports the CLI's cost", async () => {
    const s = await serve({
      anthropic: [
        (r) => ({
          tools: [
            {
              name: "Read",
              input: { file_path: path.join(promptValue(r.text, "Working directory"), "notes.txt") },
            },
          ],
        }),
        (r) => ({
          tools: [
            {
              name: "Write",
              input: {
                file_path: path.join(promptValue(r.text, "FLEET_OUTPUT_DIR"), "research.md"),
                content: "# Findings\n",
              },
            },
          ],
        }),
        (r) => ({
          tools: [
            {
              name: "Write",
              input: {
                file_path: path.join(promptValue(r.text, "Working directory"), "sneaky.md"),
                content: "no\n",
              },
            },
          ],
        }),
        { text: "Research written.", usage: { input_tokens: 2000, output_tokens: 50 } },
      ],
    });
    const req = claudeRequest(s, { model: "claude-sonnet-4-5" });
    writeFileSync(path.join(req.cwd, "notes.txt"), "the greeting lives in greet.js\n");

    const result = await runClaudeCode(req);

    expect(result.outcome).toBe("finished");
    expect(result.reason).toBeNull();
    expect(readFileSync(path.join(req.outputDir, "research.md"), "utf8")).toBe("# Findings\n");
    expect(existsSync(path.join(req.cwd, "sneaky.md"))).toBe(false);
    // The Read tool result carried the file's text back to the model.
    const afterRead = s.requests.filter((r) => r.scripted)[1];
    expect(afterRead?.text).toContain("the greeting lives in greet.js");
    expect(s.requests.filter((r) => r.scripted).map((r) => r.body?.model)).toEqual(
      Array(4).fill("claude-sonnet-4-5"),
    );
    const reported = resultEvent(req.logFile);
    expect(result.cost.usd).toBe(reported.total_cost_usd);
    expect(result.cost.usd).toBeGreaterThan(0);
    expect(result.cost.input_tokens).toBe(3 * 1000 + 2000);
    expect(result.cost.output_tokens).toBe(3 * 100 + 50);
    expect(result.sessionId).toBe(reported.session_id);
    expect(result.finalMessage).toBe("Research written.");
  });

  it("implement: edits the worktree and runs Bash; a retry resumes the previous session", async () => {
    const edit = (r: { text: string }) => ({
      tools: [
        {
          name: "Edit",
          input: {
            file_path: path.join(promptValue(r.text, "Working directory"), "greet.js"),
            old_string: "Hello",
            new_string: "Hello,",
          },
        },
      ],
    });
    const s = await serve({
      anthropic: [
        (r) => ({
          tools: [
            {
              name: "Read",
              input: { file_path: path.join(promptValue(r.text, "Working directory"), "greet.js") },
            },
          ],
        }),
        edit,
        {
          tools: [{ name: "Bash", input: { command: "echo ran > bash-was-here.txt", description: "mark" } }],
        },
        { text: "Implemented." },
        { text: "Looked again after feedback." },
      ],
    });
    const req = claudeRequest(s, {}, { phase: "implement" as const });
    writeFileSync(path.join(req.cwd, "greet.js"), "export const greet = (n) => 'Hello ' + n + '!';\n");

    const first = await runClaudeCode(req);
    expect(first.outcome).toBe("finished");
    expect(readFileSync(path.join(req.cwd, "greet.js"), "utf8")).toContain("'Hello, ' + n");
    expect(readFileSync(path.join(req.cwd, "bash-was-here.txt"), "utf8")).toBe("ran\n");
    expect(first.sessionId).toMatch(/^[0-9a-f-]{36}$/);

    const second = await runClaudeCode({
      ...req,
      attempt: 2,
      prompt: "Gate feedback: test failed.",
      resumeSession: first.sessionId,
    });
    expect(second.outcome).toBe("finished");
    expect(second.sessionId).toBe(first.sessionId);
    const last = s.requests.filter((r) => r.scripted).at(-1);
    expect(last?.text).toContain("Implemented."); // the earlier conversation came along
    expect(last?.text).toContain("Gate feedback: test failed.");
  });

  it("a retry whose session is gone starts afresh instead of failing", async () => {
    const s = await serve({ anthropic: [{ text: "fresh start" }] });
    const req = claudeRequest(
      s,
      {},
      { phase: "implement" as const, resumeSession: "7e0ad0b5-0000-4000-8000-000000000000" },
    );
    const result = await runClaudeCode(req);
    expect(result.outcome).toBe("finished");
    expect(result.finalMessage).toBe("fresh start");
  });

  it("a 429 is try-later, with the wait the API named", async () => {
    const s = await serve({
      anthropic: [{ status: 429, message: "Rate limited: please try again in 30s", retryAfterSeconds: 30 }],
    });
    const result = await runClaudeCode(claudeRequest(s));
    expect(result.outcome).toBe("try-later");
    expect(result.retryAfterMs).toBe(30_000);
    expect(result.reason).toMatch(/try later/);
  });

  it("a 401 blocks the task and says exactly what to set or run", async () => {
    const s = await serve({ fallback: { status: 401, message: "invalid x-api-key" } });
    const result = await runClaudeCode(claudeRequest(s));
    expect(result.outcome).toBe("blocked");
    expect(result.reason).toContain("ANTHROPIC_API_KEY");
    expect(result.reason).toContain("`claude auth login`");
  });

  it("a missing binary blocks the task with the install command", async () => {
    const s = await serve({});
    const result = await runClaudeCode(claudeRequest(s, { command: ["claude-not-installed-here"] }));
    expect(result.outcome).toBe("blocked");
    expect(result.reason).toContain("npm install -g @anthropic-ai/claude-code");
  });

  it("the turn limit is a failed attempt that says so", async () => {
    const s = await serve({ fallback: { tools: [{ name: "Glob", input: { pattern: "*" } }] } });
    const result = await runClaudeCode(claudeRequest(s, { max_turns: 2 }));
    expect(result.outcome).toBe("failed");
    expect(result.reason).toContain("turn limit (2 turns");
    expect(result.cost.usd).toBeGreaterThan(0);
  });

  it("stops at the per-attempt budget (--max-budget-usd) and names the setting", async () => {
    const s = await serve({
      fallback: {
        tools: [{ name: "Glob", input: { pattern: "*" } }],
        usage: { input_tokens: 100_000, output_tokens: 100 },
      },
    });
    const req = claudeRequest(s, { model: "claude-sonnet-4-5" }, { maxBudgetUsd: 0.01 });
    const result = await runClaudeCode(req);
    expect(result.outcome).toBe("failed");
    expect(result.reason).toContain("$0.01");
    expect(result.reason).toContain("budgets.per_attempt_usd");
    expect(result.cost.usd).toBe(resultEvent(req.logFile).total_cost_usd);
    expect(result.cost.input_tokens).toBeGreaterThanOrEqual(100_000);
  });

  it("a model that never answers hits the inactivity limit and the group is killed", async () => {
    const s = await serve({ anthropic: [{ hang: true }] });
    const result = await runClaudeCode(claudeRequest(s, { idle_timeout: "3s" }));
    expect(result.outcome).toBe("timeout");
    expect(result.reason).toContain("inactivity");
  });

  it("keeps the API key out of the transcript and the result, even when the model echoes it", async () => {
    const s = await serve({
      anthropic: [{ text: `my key is ${FAKE_ANTHROPIC_KEY} and sk-ant-other0123456789` }],
    });
    const req = claudeRequest(s);
    const result = await runClaudeCode(req);
    const log = readFileSync(req.logFile, "utf8");
    expect(log).not.toContain(FAKE_ANTHROPIC_KEY);
    expect(log).not.toContain("sk-ant-other0123456789");
    expect(log).toContain("[redacted:ANTHROPIC_API_KEY]");
    expect(JSON.stringify(result)).not.toContain(FAKE_ANTHROPIC_KEY);
  });
});
