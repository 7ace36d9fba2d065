/**
 * A scripted model server for tests: an HTTP server on 127.0.0.1 (random port) that speaks the
 * Anthropic Messages API (`POST /v1/messages`, streaming or not, plus `count_tokens` and `models`)
 * for the real `claude` CLI, the OpenAI Responses API (`POST /v1/responses`, streaming) for the real
 * `codex` CLI, and the Gemini API (`POST /v1beta/models/<model>:streamGenerateContent?alt=sse`) for
 * Gemini CLI. Each conversation request takes the next step of that API's script: a reply (text
 * and/or tool calls, with token usage), an HTTP error (429, 401, 500…), or a hang (the request never
 * gets an answer). When a script runs out, `fallback` answers (default: a plain "done." reply).
 *
 * Point the CLIs at it with `ANTHROPIC_BASE_URL=<server.url>` and, for codex, a provider whose
 * `base_url` is `<server.url>/v1`. Every request is recorded (`server.requests`) for assertions.
 */

import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";
import {
  anthropicMessage,
  anthropicStream,
  errorBody,
  geminiResponse,
  geminiStream,
  openaiStream,
  type ToolCall,
  type Turn,
  type Usage,
} from "./model-wire.js";

/** What a script step answers with. */
export type Step =
  | { text?: string; tools?: ToolCall[]; usage?: Partial<Usage> }
  | { status: number; message?: string; retryAfterSeconds?: number; errorType?: string; code?: string }
  | { hang: true };

/** A recorded request, as a step function sees it. */
export interface ModelRequest {
  api: "anthropic" | "openai" | "gemini";
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown> | null;
  /** All text of the request's messages joined, for finding paths the prompt names. */
  text: string;
  /** Whether a script step answered it (false: a side request such as count_tokens). */
  scripted: boolean;
}

/** A script entry: a fixed step, or one computed from the request (e.g. to use a path from the prompt). */
export type ScriptEntry = Step | ((req: ModelRequest) => Step);

export interface ModelServerScript {
  anthropic?: ScriptEntry[];
  openai?: ScriptEntry[];
  /** Gemini API `streamGenerateContent` requests of the main model (see `geminiSide`). */
  gemini?: ScriptEntry[];
  /** Answers every conversation request once a script is used up. Default: `{ text: "done." }`. */
  fallback?: ScriptEntry;
}

export interface ModelServer {
  /** `http://127.0.0.1:<port>` — the Anthropic base URL; codex wants `${url}/v1`. */
  url: string;
  requests: ModelRequest[];
  /** How many conversation requests found their script used up and got the fallback. */
  exhausted: number;
  /** Conversation requests answered so far, per API. */
  answered: { anthropic: number; openai: number; gemini: number };
  /** Stops listening and cuts every open connection (including hung ones). */
  close(): Promise<void>;
}

const DEFAULT_USAGE: Usage = { input_tokens: 1000, output_tokens: 100 };

function collectText(value: unknown, out: string[]): void {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectText(v, out);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) if (k !== "tools") collectText(v, out);
  }
}

function requestText(body: Record<string, unknown> | null): string {
  const out: string[] = [];
  collectText(body?.messages ?? body?.input ?? body?.contents ?? null, out);
  return out.join("\n");
}

function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

function sendError(
  res: http.ServerResponse,
  api: ModelRequest["api"],
  step: Extract<Step, { status: number }>,
): void {
  const headers: Record<string, string> = {};
  if (step.retryAfterSeconds !== undefined) headers["retry-after"] = String(step.retryAfterSeconds);
  sendJson(
    res,
    step.status,
    errorBody(api, step.status, step.message ?? `scripted HTTP ${step.status}`, step),
    headers,
  );
}

function toTurn(step: Extract<Step, { usage?: Partial<Usage> }>): Turn {
  return {
    ...(step.text !== undefined ? { text: step.text } : {}),
    ...(step.tools !== undefined ? { tools: step.tools } : {}),
    usage: { ...DEFAULT_USAGE, ...step.usage },
  };
}

/** Which API a path belongs to: `/v1/responses` OpenAI, `/v1beta/models/…` Gemini, else Anthropic. */
function apiOf(path: string): ModelRequest["api"] {
  if (path.startsWith("/v1/responses")) return "openai";
  if (path.startsWith("/v1beta/") || /\/models\/[^/]+:/.test(path)) return "gemini";
  return "anthropic";
}

/** Side requests that never consume a script step: token counts and model listings. */
function answerSide(req: ModelRequest, res: http.ServerResponse): boolean {
  const tokens = Math.ceil(req.text.length / 4);
  if (req.api === "anthropic" && req.path.startsWith("/v1/messages/count_tokens")) {
    sendJson(res, 200, { input_tokens: tokens });
    return true;
  }
  if (req.api === "gemini" && /:countTokens/i.test(req.path)) {
    sendJson(res, 200, { totalTokens: tokens });
    return true;
  }
  if (req.method === "GET" && /\/models\/?(\?|$)/.test(req.path)) {
    sendJson(res, 200, { data: [], models: [], has_more: false, first_id: null, last_id: null });
    return true;
  }
  return false;
}

/** Starts the server with `script`; resolves once it listens. */
export async function startModelServer(script: ModelServerScript = {}): Promise<ModelServer> {
  const queues = {
    anthropic: [...(script.anthropic ?? [])],
    openai: [...(script.openai ?? [])],
    gemini: [...(script.gemini ?? [])],
  };
  const fallback: ScriptEntry = script.fallback ?? { text: "done." };
  const sockets = new Set<import("node:net").Socket>();
  const state: ModelServer = {
    url: "",
    requests: [],
    exhausted: 0,
    answered: { anthropic: 0, openai: 0, gemini: 0 },
    close: async () => {},
  };

  const server = http.createServer((incoming, res) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (c: Buffer) => chunks.push(c));
    incoming.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      let body: Record<string, unknown> | null = null;
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
      } catch {
        body = null;
      }
      const path = incoming.url ?? "/";
      const api = apiOf(path);
      const req: ModelRequest = {
        api,
        method: incoming.method ?? "GET",
        path,
        headers: incoming.headers,
        body,
        text: requestText(body),
        scripted: false,
      };
      state.requests.push(req);

      if (answerSide(req, res)) return;
      const isConversation =
        req.method === "POST" &&
        (path.startsWith("/v1/messages") ||
          path.startsWith("/v1/responses") ||
          /:(stream)?generateContent\b/i.test(path));
      if (!isConversation) {
        // HEAD / connectivity probes and anything else: a harmless empty answer.
        sendJson(res, 200, {});
        return;
      }
      req.scripted = true;
      let entry = queues[api].shift();
      if (entry === undefined) {
        state.exhausted += 1;
        entry = fallback;
      }
      state.answered[api] += 1;
      const step = typeof entry === "function" ? entry(req) : entry;
      if ("hang" in step) return; // never answered; close() cuts it
      if ("status" in step) {
        sendError(res, api, step);
        return;
      }
      const turn = toTurn(step);
      const model =
        typeof body?.model === "string"
          ? body.model
          : (/models\/([^:/?]+)/.exec(path)?.[1] ?? "scripted-model");
      if (api === "gemini") {
        if (/:streamGenerateContent/i.test(path)) {
          res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
          res.end(geminiStream(turn, model));
        } else sendJson(res, 200, geminiResponse(turn, model));
      } else if (api === "openai") {
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
        res.end(openaiStream(turn));
      } else if (body?.stream === true) {
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
        res.end(anthropicStream(turn, model));
      } else {
        sendJson(res, 200, anthropicMessage(turn, model));
      }
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  state.url = `http://127.0.0.1:${port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return state;
}

/**
 * For a test file: registers an `afterEach` that closes the server, and returns `serve(script)`, which
 * starts one for the current test.
 */
export function serveModelPerTest(): (script: ModelServerScript) => Promise<ModelServer> {
  let server: ModelServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });
  return async (script) => {
    server = await startModelServer(script);
    return server;
  };
}
