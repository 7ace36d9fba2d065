/**
 * The gemini runner driving the real Gemini CLI (the pinned devDependency) against the scripted model
 * server's Gemini API: files really read and written by Gemini CLI's own tools under the phase's
 * approval mode, tokens as the CLI reported them, priced from config; failures in the right class.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runGemini } from "../../src/agents/gemini.js";
import { tempDir } from "../helpers/temp-repo.js";
import {
  FAKE_GEMINI_KEY,
  GEMINI_BIN,
  GEMINI_ENV_NAMES,
  geminiParentEnv,
  promptValue,
} from "../support/agent-clis.js";
import { type ModelServer, serveModelPerTest } from "../support/model-server.js";
import { makeRequest } from "./request.js";

const serve = serveModelPerTest();

const PRICE = { input_per_mtok: 1.25, output_per_mtok: 10 };

function geminiRequest(s: ModelServer, agent: Record<string, unknown> = {}, overrides = {}) {
  const cwd = tempDir("fleet-checkout-");
  execFileSync("git", ["init", "-q"], { cwd });
  writeFileSync(path.join(cwd, "greet.js"), "export const greet = (n) => 'Hello ' + n;\n");
  return makeRequest(
    { runner: "gemini", command: [GEMINI_BIN], env: GEMINI_ENV_NAMES, model: "gemini-2.5-pro", ...agent },
    { cwd, parentEnv: geminiParentEnv(s), prices: { "gemini-2.5-pro": PRICE }, ...overrides },
  );
}

describe("gemini runner (real Gemini CLI)", () => {
  it("research: reads the checkout, writes into FLEET_OUTPUT_DIR, has no shell; tokens priced from config", async () => {
    const s = await serve({
      gemini: [
        { tools: [{ name: "read_file", input: { file_path: "greet.js" } }] },
        (r) => ({
          tools: [
            {
              name: "write_file",
              input: {
                file_path: path.join(promptValue(r.text, "FLEET_OUTPUT_DIR"), "research.md"),
                content: "# Findings\n",
              },
            },
          ],
        }),
        {
          tools: [
            { name: "run_shell_command", input: { command: "echo no > shell.txt", description: "try" } },
          ],
        },
        { text: "Research written.", usage: { input_tokens: 3000, output_tokens: 200 } },
      ],
    });
    const req = geminiRequest(s);
    const result = await runGemini(req);
    expect(result.outcome).toBe("finished");
    expect(readFileSync(path.join(req.outputDir, "research.md"), "utf8")).toBe("# Findings\n");
    expect(existsSync(path.join(req.cwd, "shell.txt"))).toBe(false);
    expect(s.requests.filter((r) => r.scripted)[1]?.text).toContain("'Hello ' + n");
    expect(result.cost).toEqual({
      input_tokens: 6000,
      output_tokens: 500,
      usd: (6000 * 1.25 + 500 * 10) / 1e6,
    });
    expect(result.finalMessage).toBe("Research written.");
    expect(result.sessionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("implement: edits the worktree and runs shell commands (yolo)", async () => {
    const s = await serve({
      gemini: [
        (r) => ({
          tools: [
            {
              name: "replace",
              input: {
                file_path: path.join(promptValue(r.text, "Working directory"), "greet.js"),
                instruction: "add a comma",
                old_string: "'Hello ' + n",
                new_string: "'Hello, ' + n + '!'",
              },
            },
          ],
        }),
        {
          tools: [
            { name: "run_shell_command", input: { command: "echo ran > ran.txt", description: "mark" } },
          ],
        },
        { text: "Implemented." },
      ],
    });
    const req = geminiRequest(s, {}, { phase: "implement" as const });
    const result = await runGemini(req);
    expect(result.outcome).toBe("finished");
    expect(readFileSync(path.join(req.cwd, "greet.js"), "utf8")).toContain("'Hello, ' + n + '!'");
    expect(readFileSync(path.join(req.cwd, "ran.txt"), "utf8")).toBe("ran\n");
  });

  it("a 429 is try-later; a 401 blocks with what to set", async () => {
    const limited = await serve({
      fallback: { status: 429, message: "Resource has been exhausted (e.g. check quota)." },
    });
    const later = await runGemini(geminiRequest(limited));
    expect(later.outcome).toBe("try-later");
    await limited.close();
    const refused = await serve({
      fallback: { status: 401, message: "API key not valid. Please pass a valid API key." },
    });
    const req = geminiRequest(refused);
    const blocked = await runGemini(req);
    expect(blocked.outcome).toBe("blocked");
    expect(blocked.reason).toContain("GEMINI_API_KEY");
    expect(readFileSync(req.logFile, "utf8")).not.toContain(FAKE_GEMINI_KEY);
  });
});
