/** Parsers of the CLIs' machine output, fed lines recorded from claude 2.1.197 and codex-cli 0.169.0. */
import { describe, expect, it } from "vitest";
import { emptyCodexSummary, readCodexLine } from "../../src/agents/codex-events.js";
import { emptyClaudeSummary, readClaudeLine } from "../../src/agents/stream-json.js";

const claudeSuccess = [
  '{"type":"system","subtype":"init","cwd":"/tmp/x","session_id":"6dd892c0-07df-459c-bf41-92eb7ab0eaac","tools":["Read"],"model":"claude-opus-4-8[1m]","permissionMode":"dontAsk","apiKeySource":"ANTHROPIC_API_KEY"}',
  '{"type":"assistant","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-opus-4-8","content":[{"type":"text","text":"hi there"}],"usage":{"input_tokens":1000,"output_tokens":1}},"session_id":"6dd892c0-07df-459c-bf41-92eb7ab0eaac"}',
  '{"type":"result","subtype":"success","is_error":false,"api_error_status":null,"duration_ms":145,"num_turns":1,"result":"hi there","stop_reason":"end_turn","session_id":"6dd892c0-07df-459c-bf41-92eb7ab0eaac","total_cost_usd":0.0075,"usage":{"input_tokens":1000,"cache_creation_input_tokens":20,"cache_read_input_tokens":300,"output_tokens":100},"permission_denials":[]}',
];

describe("readClaudeLine", () => {
  it("gathers session, model, cost and tokens (cache reads and writes count as input)", () => {
    const s = emptyClaudeSummary();
    for (const line of claudeSuccess) readClaudeLine(s, line);
    expect(s).toMatchObject({
      sessionId: "6dd892c0-07df-459c-bf41-92eb7ab0eaac",
      model: "claude-opus-4-8[1m]",
      sawResult: true,
      subtype: "success",
      isError: false,
      apiErrorStatus: null,
      resultText: "hi there",
      costUsd: 0.0075,
      inputTokens: 1320,
      outputTokens: 100,
      numTurns: 1,
    });
  });

  it("takes tokens from modelUsage (all models) when present: usage is zeroed when a budget stops the run", () => {
    const s = emptyClaudeSummary();
    readClaudeLine(
      s,
      '{"type":"result","subtype":"error_max_budget_usd","is_error":true,"num_turns":2,"session_id":"b","total_cost_usd":0.3015,"usage":{"input_tokens":0,"output_tokens":0},"modelUsage":{"claude-sonnet-4-5":{"inputTokens":100000,"outputTokens":100,"cacheReadInputTokens":20,"cacheCreationInputTokens":5,"costUSD":0.3015},"claude-haiku-4-5":{"inputTokens":50,"outputTokens":7,"costUSD":0.0001}}}',
    );
    expect(s).toMatchObject({
      subtype: "error_max_budget_usd",
      costUsd: 0.3015,
      inputTokens: 100075,
      outputTokens: 107,
    });
  });

  it("keeps the error kind, the status and the retry delays of a failed run", () => {
    const s = emptyClaudeSummary();
    readClaudeLine(
      s,
      '{"type":"system","subtype":"api_retry","attempt":1,"max_retries":10,"retry_delay_ms":564.3,"error_status":429,"error":"rate_limit","session_id":"a"}',
    );
    readClaudeLine(
      s,
      '{"type":"assistant","message":{"content":[{"type":"text","text":"API Error: Request rejected (429)"}]},"session_id":"a","error":"rate_limit"}',
    );
    readClaudeLine(
      s,
      '{"type":"result","subtype":"success","is_error":true,"api_error_status":429,"num_turns":1,"result":"API Error: Request rejected (429) · slow down","session_id":"a","total_cost_usd":0,"usage":{"input_tokens":0,"output_tokens":0}}',
    );
    expect(s).toMatchObject({
      isError: true,
      apiErrorStatus: 429,
      errorKind: "rate_limit",
      retryDelayMs: 564.3,
      costUsd: 0,
      inputTokens: 0,
    });
  });

  it("keeps lines that are not JSON (a CLI error before the stream) and ignores blank ones", () => {
    const s = emptyClaudeSummary();
    readClaudeLine(s, "No conversation found with session ID: 4f79");
    readClaudeLine(s, "   ");
    readClaudeLine(s, "{not json");
    expect(s.plainLines).toEqual(["No conversation found with session ID: 4f79", "{not json"]);
    expect(s.sawResult).toBe(false);
  });
});

describe("readCodexLine", () => {
  it("gathers thread id, final message and summed usage", () => {
    const s = emptyCodexSummary();
    for (const line of [
      '{"type":"thread.started","thread_id":"01a1fcc1-b356-7531-8775-ba73f11cacc6"}',
      '{"type":"turn.started"}',
      '{"type":"item.completed","item":{"id":"item_0","type":"command_execution","command":"ls","aggregated_output":"a\\n","exit_code":0,"status":"completed"}}',
      '{"type":"item.completed","item":{"id":"item_1","type":"agent_message","text":"first"}}',
      '{"type":"item.completed","item":{"id":"item_2","type":"agent_message","text":"hi there"}}',
      '{"type":"turn.completed","usage":{"input_tokens":1000,"cached_input_tokens":200,"output_tokens":100,"reasoning_output_tokens":0}}',
      '{"type":"turn.completed","usage":{"input_tokens":500,"cached_input_tokens":0,"output_tokens":50}}',
    ]) {
      readCodexLine(s, line);
    }
    expect(s).toMatchObject({
      threadId: "01a1fcc1-b356-7531-8775-ba73f11cacc6",
      finalMessage: "hi there",
      inputTokens: 1500,
      cachedInputTokens: 200,
      outputTokens: 150,
      turnCompleted: true,
      failure: null,
    });
  });

  it("keeps the failure, not the reconnect notices", () => {
    const s = emptyCodexSummary();
    readCodexLine(s, '{"type":"error","message":"Reconnecting... 1/5 (stream disconnected)"}');
    expect(s.failure).toBeNull();
    readCodexLine(s, '{"type":"error","message":"exceeded retry limit, last status: 429 Too Many Requests"}');
    readCodexLine(
      s,
      '{"type":"turn.failed","error":{"message":"exceeded retry limit, last status: 429 Too Many Requests"}}',
    );
    readCodexLine(s, "WARNING: proceeding, even though we could not create PATH aliases");
    expect(s.failure).toBe("exceeded retry limit, last status: 429 Too Many Requests");
    expect(s.turnCompleted).toBe(false);
    expect(s.plainLines).toHaveLength(1);
  });
});
