/**
 * The codex runner driving the real `codex` CLI (the pinned devDependency) against the scripted model
 * server's Responses API: commands and patches really run in codex's sandbox, tokens are what codex
 * reported, dollars come from the price table, failures land in the right class.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCodex } from "../../src/agents/codex.js";
import { tempDir } from "../helpers/temp-repo.js";
import {
  CODEX_BIN,
  CODEX_ENV_NAMES,
  codexParentEnv,
  FAKE_OPENAI_KEY,
  promptValue,
} from "../support/agent-clis.js";
import { type ModelServer, serveModelPerTest } from "../support/model-server.js";
import { sandboxed } from "../support/sandbox.js";
import { makeRequest } from "./request.js";

const serve = serveModelPerTest();

function gitCheckout(): string {
  const dir = tempDir("fleet-checkout-");
  execFileSync("git", ["init", "-q"], { cwd: dir });
  writeFileSync(path.join(dir, "greet.js"), "export const greet = (n) => 'Hello ' + n;\n");
  return dir;
}

/** A codex request run in the fleet's sandbox, as every fleet run of codex is (codex's own sandbox is then off). */
function codexRequest(s: ModelServer, agent: Record<string, unknown> = {}, overrides = {}) {
  return sandboxed(
    makeRequest(
      { runner: "codex", command: [CODEX_BIN], env: CODEX_ENV_NAMES, model: "gpt-5.5", ...agent },
      {
        cwd: gitCheckout(),
        parentEnv: codexParentEnv(s),
        prices: { "gpt-5.5": { input_per_mtok: 2, output_per_mtok: 10 } },
        ...overrides,
      },
    ),
  );
}

const patch =
  "*** Begin Patch\n*** Update File: greet.js\n@@\n-export const greet = (n) => 'Hello ' + n;\n+export const greet = (n) => 'Hello, ' + n + '!';\n*** End Patch\n";

describe("codex runner (real codex CLI)", () => {
  it("implement: runs commands and applies a patch in the worktree; tokens priced from config", async () => {
    const s = await serve({
      openai: [
        { tools: [{ name: "exec_command", input: { cmd: "cat greet.js && echo ran > ran.txt" } }] },
        { tools: [{ name: "apply_patch", input: patch }] },
        { text: "Implemented the greeting.", usage: { input_tokens: 3000, output_tokens: 200 } },
      ],
    });
    const req = codexRequest(s, {}, { phase: "implement" as const });

    const result = await runCodex(req);

    expect(result.outcome).toBe("finished");
    expect(readFileSync(path.join(req.cwd, "greet.js"), "utf8")).toContain("'Hello, ' + n + '!'");
    expect(readFileSync(path.join(req.cwd, "ran.txt"), "utf8")).toBe("ran\n");
    // The command's output went back to the model.
    expect(s.requests.filter((r) => r.scripted)[1]?.text).toContain("export const greet");
    expect(result.cost).toEqual({ usd: (5000 * 2 + 400 * 10) / 1e6, input_tokens: 5000, output_tokens: 400 });
    expect(result.finalMessage).toBe("Implemented the greeting.");
    expect(result.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(s.requests.filter((r) => r.scripted).map((r) => r.body?.model)).toEqual([
      "gpt-5.5",
      "gpt-5.5",
      "gpt-5.5",
    ]);
  });

  it("research: writes its answer into FLEET_OUTPUT_DIR; the sandbox refuses writes elsewhere", async () => {
    const elsewhere = tempDir("fleet-elsewhere-");
    const s = await serve({
      openai: [
        (r) => ({
          tools: [
            {
              name: "exec_command",
              input: {
                cmd: `printf '# Findings\\n' > '${promptValue(r.text, "FLEET_OUTPUT_DIR")}/research.md'; echo x > '${elsewhere}/escape.txt'`,
              },
            },
          ],
        }),
        { text: "Research written." },
      ],
    });
    const req = codexRequest(s);
    const result = await runCodex(req);
    expect(result.outcome).toBe("finished");
    expect(readFileSync(path.join(req.outputDir, "research.md"), "utf8")).toBe("# Findings\n");
    expect(existsSync(path.join(elsewhere, "escape.txt"))).toBe(false);
  });

  it("a model without a price keeps dollars unknown but reports tokens", async () => {
    const s = await serve({ openai: [{ text: "ok" }] });
    const result = await runCodex(codexRequest(s, { model: "gpt-6-luna" }));
    expect(result.outcome).toBe("finished");
    expect(result.cost).toEqual({ usd: null, input_tokens: 1000, output_tokens: 100 });
  });

  it("a 429 is try-later, not an attempt", async () => {
    const s = await serve({ fallback: { status: 429, message: "Rate limit reached." } });
    const result = await runCodex(codexRequest(s));
    expect(result.outcome).toBe("try-later");
    expect(result.reason).toContain("429");
  });

  it("an exhausted quota is try-later too", async () => {
    const s = await serve({
      fallback: { status: 429, code: "insufficient_quota", errorType: "insufficient_quota" },
    });
    const result = await runCodex(codexRequest(s));
    expect(result.outcome).toBe("try-later");
  });

  it("a 401 blocks the task and says what to set or run", async () => {
    const s = await serve({ fallback: { status: 401, message: "Incorrect API key provided" } });
    const result = await runCodex(codexRequest(s));
    expect(result.outcome).toBe("blocked");
    expect(result.reason).toContain("OPENAI_API_KEY");
    expect(result.reason).toContain("`codex login`");
  });

  it("a key missing from the agent's environment blocks the task", async () => {
    const s = await serve({});
    const result = await runCodex(codexRequest(s, { env: ["OPENAI_BASE_URL"] }));
    expect(result.outcome).toBe("blocked");
    expect(result.reason).toContain("OPENAI_API_KEY");
  });

  it("a missing binary blocks the task with the install command", async () => {
    const s = await serve({});
    const result = await runCodex(codexRequest(s, { command: ["codex-not-installed-here"] }));
    expect(result.outcome).toBe("blocked");
    expect(result.reason).toContain("npm install -g @openai/codex");
  });

  it("a model that never answers hits the inactivity limit", async () => {
    const s = await serve({ openai: [{ hang: true }] });
    const result = await runCodex(codexRequest(s, { idle_timeout: "3s" }));
    expect(result.outcome).toBe("timeout");
  });

  it("keeps the API key out of the transcript even when a command prints it", async () => {
    const s = await serve({
      openai: [
        { tools: [{ name: "exec_command", input: { cmd: "echo key=$OPENAI_API_KEY" } }] },
        { text: "done" },
      ],
    });
    const req = codexRequest(s, {}, { phase: "implement" as const });
    const result = await runCodex(req);
    expect(result.outcome).toBe("finished");
    const log = readFileSync(req.logFile, "utf8");
    expect(log).toContain("key=[redacted:OPENAI_API_KEY]");
    expect(log).not.toContain(FAKE_OPENAI_KEY);
  });
});
