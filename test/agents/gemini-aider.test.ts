/**
 * The gemini and aider runners through a real process — a stand-in program that prints what the CLIs
 * print (Gemini CLI's `--output-format json` object and its exit codes; aider's usage lines). Gemini
 * CLI itself runs against the scripted server in gemini.test.ts; these cover the exit codes a model
 * server cannot provoke (41, 53). aider is a Python package we do not install: for it, this is all.
 */
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseAiderUsage, runAider } from "../../src/agents/aider.js";
import { parseGeminiJson, runGemini } from "../../src/agents/gemini.js";
import { tempDir } from "../helpers/temp-repo.js";
import { makeRequest } from "./request.js";

/** A program that drains stdin, prints `FAKE_OUT`, and exits with `FAKE_EXIT`. */
function standIn(): string {
  const file = path.join(tempDir("fleet-standin-"), "agent-cli");
  writeFileSync(
    file,
    [
      "#!/usr/bin/env node",
      "process.stdin.resume();",
      "process.stdin.on('end', () => {",
      "  process.stdout.write(process.env.FAKE_OUT ?? '');",
      "  if (process.env.FAKE_ERR) process.stderr.write(process.env.FAKE_ERR);",
      "  process.exitCode = Number(process.env.FAKE_EXIT ?? 0);",
      "});",
      "",
    ].join("\n"),
  );
  chmodSync(file, 0o755);
  return file;
}

function request(runner: "gemini" | "aider", out: string, exit = 0, extra: Record<string, string> = {}) {
  return makeRequest(
    {
      runner,
      command: [standIn()],
      env: ["FAKE_OUT", "FAKE_EXIT", "FAKE_ERR", "GEMINI_API_KEY"],
      model: "gemini-2.5-pro",
    },
    {
      parentEnv: {
        PATH: process.env.PATH,
        HOME: tempDir(),
        FAKE_OUT: out,
        FAKE_EXIT: String(exit),
        ...extra,
      },
      prices: { "gemini-2.5-pro": { input_per_mtok: 1.25, output_per_mtok: 10 } },
    },
  );
}

const geminiOk = JSON.stringify({
  session_id: "c0ffee00-1111-2222-3333-444455556666",
  response: "Research written to research.md.",
  stats: {
    models: {
      "gemini-2.5-pro": {
        api: { totalRequests: 2, totalErrors: 0, totalLatencyMs: 5053 },
        tokens: { prompt: 24939, candidates: 20, total: 25113, cached: 21263, thoughts: 154, tool: 0 },
      },
    },
    tools: { totalCalls: 1, totalSuccess: 1, totalFail: 0 },
  },
});

describe("gemini runner", () => {
  it("parses the JSON report (the last object, after warnings or a stack trace): tokens per model, priced", () => {
    expect(
      parseGeminiJson(
        `Error {\n  cause: { code: 429 }\n}\n${JSON.stringify({ error: { message: "x", code: 429 } }, null, 2)}\n`,
      )?.error?.code,
    ).toBe(429);
    const report = parseGeminiJson(`Loaded cached credentials.\n${geminiOk}\n`, {
      "gemini-2.5-pro": { input_per_mtok: 1.25, output_per_mtok: 10 },
    });
    expect(report).toMatchObject({
      sessionId: "c0ffee00-1111-2222-3333-444455556666",
      response: "Research written to research.md.",
      inputTokens: 24939,
      outputTokens: 174,
      usd: Math.round(((24939 * 1.25 + 174 * 10) / 1e6) * 1e6) / 1e6,
    });
    expect(parseGeminiJson(geminiOk, {})?.usd).toBeNull();
    expect(parseGeminiJson("no json here")).toBeNull();
  });

  it("finished: cost, session and final message come from the report", async () => {
    const req = request("gemini", geminiOk);
    const result = await runGemini(req);
    expect(result.outcome).toBe("finished");
    expect(result.cost.input_tokens).toBe(24939);
    expect(result.cost.usd).toBeGreaterThan(0);
    expect(result.sessionId).toBe("c0ffee00-1111-2222-3333-444455556666");
    expect(readFileSync(req.promptFile, "utf8")).toBe(req.prompt);
  });

  it("exit 41 blocks with what to set; a 429 error is try-later; 53 is a failed attempt", async () => {
    const auth = await runGemini(
      request(
        "gemini",
        JSON.stringify({ error: { type: "Error", message: "API key not valid", code: 41 } }),
        41,
      ),
    );
    expect(auth.outcome).toBe("blocked");
    expect(auth.reason).toContain("GEMINI_API_KEY");
    const limited = await runGemini(
      request(
        "gemini",
        JSON.stringify({
          error: { type: "Error", message: "[429 Too Many Requests] RESOURCE_EXHAUSTED, retry in 20s" },
        }),
        1,
      ),
    );
    expect(limited.outcome).toBe("try-later");
    expect(limited.retryAfterMs).toBe(20_000);
    const turns = await runGemini(
      request("gemini", JSON.stringify({ error: { type: "Error", message: "Max session turns" } }), 53),
    );
    expect(turns.outcome).toBe("failed");
    expect(turns.reason).toContain("turn limit");
  });

  it("redacts a key the CLI echoes", async () => {
    const key = "AIzaSyFAKEfakeFAKEfake0123456789abcdef";
    const req = request(
      "gemini",
      JSON.stringify({ error: { type: "Error", message: `bad key ${key}` } }),
      1,
      { GEMINI_API_KEY: key },
    );
    const result = await runGemini(req);
    expect(JSON.stringify(result)).not.toContain(key);
    expect(readFileSync(req.logFile, "utf8")).not.toContain(key);
  });
});

const aiderOut = [
  "Aider v0.86.1",
  "Main model: anthropic/claude-sonnet-4-5 with diff edit format",
  "Applied edit to greet.js",
  "Tokens: 2.1k sent, 450 received. Cost: $0.0081 message, $0.0081 session.",
  "Tokens: 12k sent, 3.2k cache write, 1.1k cache hit, 1.2k received.",
  "Cost: $0.05 message, $0.0581 session.",
  "",
].join("\n");

describe("aider runner", () => {
  it("sums the usage lines and takes aider's session cost", () => {
    expect(parseAiderUsage(aiderOut)).toEqual({ inputTokens: 14100, outputTokens: 1650, sessionUsd: 0.0581 });
    expect(parseAiderUsage("nothing")).toEqual({ inputTokens: null, outputTokens: null, sessionUsd: null });
  });

  it("finished: cost from aider; the plan's answer files exist for aider to edit", async () => {
    const req = request("aider", aiderOut, 0);
    const result = await runAider({ ...req, phase: "plan" });
    expect(result.outcome).toBe("finished");
    expect(result.cost).toEqual({ usd: 0.0581, input_tokens: 14100, output_tokens: 1650 });
    expect(readFileSync(path.join(req.outputDir, "plan.md"), "utf8")).toBe("");
  });

  it("litellm's auth and rate-limit errors become blocked and try-later", async () => {
    const auth = await runAider(
      request("aider", "litellm.AuthenticationError: AnthropicException - invalid x-api-key\n", 1),
    );
    expect(auth.outcome).toBe("blocked");
    const limited = await runAider(
      request("aider", "litellm.RateLimitError: AnthropicException - rate_limit_error\n", 1),
    );
    expect(limited.outcome).toBe("try-later");
    const other = await runAider(request("aider", "Traceback: something broke\n", 1));
    expect(other.outcome).toBe("failed");
  });
});
