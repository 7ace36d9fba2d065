/**
 * Wire formats of the two model APIs the real agent CLIs speak, as the scripted model server writes
 * them: the Anthropic Messages API (streaming SSE and plain JSON) for `claude`, and the OpenAI
 * Responses API (streaming SSE) for `codex`. Shapes follow the public API references:
 * https://docs.anthropic.com/en/api/messages-streaming and https://platform.openai.com/docs/api-reference/responses-streaming
 * (and codex-rs/codex-api/src/sse/responses.rs for the fields codex reads).
 */

/** Tokens a scripted reply reports. */
export interface Usage {
  input_tokens: number;
  output_tokens: number;
}

/** One assistant turn: optional text, then optional tool calls. */
export interface Turn {
  text?: string;
  tools?: ToolCall[];
  usage: Usage;
}

/**
 * A tool call. `input` is an object for JSON tools (Claude's Write, codex's exec_command); a string
 * makes a freeform call (codex's `apply_patch` is a "custom" tool whose input is the patch text).
 */
export interface ToolCall {
  name: string;
  input: Record<string, unknown> | string;
}

let counter = 0;
function nextId(prefix: string): string {
  counter += 1;
  return `${prefix}_${Date.now().toString(36)}${counter}`;
}

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A streamed Anthropic Messages reply: message_start … message_stop, with tool_use blocks as input_json_delta. */
export function anthropicStream(turn: Turn, model: string): string {
  const out: string[] = [];
  out.push(
    sse("message_start", {
      type: "message_start",
      message: {
        id: nextId("msg"),
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: turn.usage.input_tokens,
          output_tokens: 1,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
        },
      },
    }),
  );
  let index = 0;
  if (turn.text) {
    out.push(
      sse("content_block_start", {
        type: "content_block_start",
        index,
        content_block: { type: "text", text: "" },
      }),
    );
    out.push(
      sse("content_block_delta", {
        type: "content_block_delta",
        index,
        delta: { type: "text_delta", text: turn.text },
      }),
    );
    out.push(sse("content_block_stop", { type: "content_block_stop", index }));
    index += 1;
  }
  for (const tool of turn.tools ?? []) {
    const json = JSON.stringify(tool.input);
    const half = Math.floor(json.length / 2);
    out.push(
      sse("content_block_start", {
        type: "content_block_start",
        index,
        content_block: { type: "tool_use", id: nextId("toolu"), name: tool.name, input: {} },
      }),
    );
    for (const part of [json.slice(0, half), json.slice(half)]) {
      out.push(
        sse("content_block_delta", {
          type: "content_block_delta",
          index,
          delta: { type: "input_json_delta", partial_json: part },
        }),
      );
    }
    out.push(sse("content_block_stop", { type: "content_block_stop", index }));
    index += 1;
  }
  out.push(
    sse("message_delta", {
      type: "message_delta",
      delta: { stop_reason: turn.tools?.length ? "tool_use" : "end_turn", stop_sequence: null },
      usage: { output_tokens: turn.usage.output_tokens },
    }),
  );
  out.push(sse("message_stop", { type: "message_stop" }));
  return out.join("");
}

/** The same reply as one non-streamed Messages API JSON body. */
export function anthropicMessage(turn: Turn, model: string): unknown {
  const content: unknown[] = [];
  if (turn.text) content.push({ type: "text", text: turn.text });
  for (const tool of turn.tools ?? []) {
    content.push({ type: "tool_use", id: nextId("toolu"), name: tool.name, input: tool.input });
  }
  return {
    id: nextId("msg"),
    type: "message",
    role: "assistant",
    model,
    content,
    stop_reason: turn.tools?.length ? "tool_use" : "end_turn",
    stop_sequence: null,
    usage: { ...turn.usage, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
}

/** An Anthropic error body, e.g. `rate_limit_error`, `authentication_error`. */
export function anthropicError(type: string, message: string): unknown {
  return { type: "error", error: { type, message } };
}

/** A streamed Responses API reply: response.created, output items (message, function_call), response.completed. */
export function openaiStream(turn: Turn): string {
  const responseId = nextId("resp");
  const out: string[] = [sse("response.created", { type: "response.created", response: { id: responseId } })];
  if (turn.text) {
    const item = {
      type: "message",
      id: nextId("msg"),
      role: "assistant",
      content: [{ type: "output_text", text: turn.text, annotations: [] }],
    };
    out.push(
      sse("response.output_item.added", {
        type: "response.output_item.added",
        item: { ...item, content: [] },
      }),
    );
    out.push(sse("response.output_text.delta", { type: "response.output_text.delta", delta: turn.text }));
    out.push(sse("response.output_item.done", { type: "response.output_item.done", item }));
  }
  for (const tool of turn.tools ?? []) {
    const item =
      typeof tool.input === "string"
        ? {
            type: "custom_tool_call",
            id: nextId("ctc"),
            call_id: nextId("call"),
            name: tool.name,
            input: tool.input,
          }
        : {
            type: "function_call",
            id: nextId("fc"),
            call_id: nextId("call"),
            name: tool.name,
            arguments: JSON.stringify(tool.input),
          };
    out.push(sse("response.output_item.done", { type: "response.output_item.done", item }));
  }
  out.push(
    sse("response.completed", {
      type: "response.completed",
      response: {
        id: responseId,
        usage: {
          input_tokens: turn.usage.input_tokens,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: turn.usage.output_tokens,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: turn.usage.input_tokens + turn.usage.output_tokens,
        },
      },
    }),
  );
  return out.join("");
}

/** An OpenAI error body, e.g. code `rate_limit_exceeded`, `invalid_api_key`. */
export function openaiError(type: string, code: string, message: string): unknown {
  return { error: { type, code, message, param: null } };
}

function geminiParts(turn: Turn): unknown[] {
  const parts: unknown[] = [];
  if (turn.text) parts.push({ text: turn.text });
  for (const tool of turn.tools ?? []) {
    parts.push({
      functionCall: {
        name: tool.name,
        args: typeof tool.input === "string" ? { input: tool.input } : tool.input,
      },
    });
  }
  return parts;
}

/** One Gemini API `GenerateContentResponse` for `turn` (the body of generateContent, or one SSE chunk). */
export function geminiResponse(turn: Turn, model: string): unknown {
  return {
    candidates: [{ content: { role: "model", parts: geminiParts(turn) }, finishReason: "STOP", index: 0 }],
    usageMetadata: {
      promptTokenCount: turn.usage.input_tokens,
      candidatesTokenCount: turn.usage.output_tokens,
      totalTokenCount: turn.usage.input_tokens + turn.usage.output_tokens,
    },
    modelVersion: model,
    responseId: nextId("resp"),
  };
}

/** A streamed Gemini API reply (`streamGenerateContent?alt=sse`): `data:` chunks, the last with usage. */
export function geminiStream(turn: Turn, model: string): string {
  return `data: ${JSON.stringify(geminiResponse(turn, model))}\r\n\r\n`;
}

/** A Gemini API error body, e.g. status `RESOURCE_EXHAUSTED` (429), `UNAUTHENTICATED` (401). */
export function geminiError(code: number, status: string, message: string): unknown {
  return { error: { code, message, status } };
}

const GEMINI_STATUS: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};

/** The error body each API sends for HTTP `status` (`opts` may name the error type or code). */
export function errorBody(
  api: "anthropic" | "openai" | "gemini",
  status: number,
  message: string,
  opts: { errorType?: string; code?: string } = {},
): unknown {
  if (api === "gemini") return geminiError(status, opts.code ?? GEMINI_STATUS[status] ?? "UNKNOWN", message);
  if (api === "anthropic") {
    const byStatus: Record<number, string> = {
      429: "rate_limit_error",
      401: "authentication_error",
      529: "overloaded_error",
    };
    return anthropicError(opts.errorType ?? byStatus[status] ?? "api_error", message);
  }
  const code =
    opts.code ??
    (status === 429 ? "rate_limit_exceeded" : status === 401 ? "invalid_api_key" : "server_error");
  return openaiError(opts.errorType ?? (status === 401 ? "invalid_request_error" : code), code, message);
}
