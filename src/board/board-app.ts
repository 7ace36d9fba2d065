/**
 * The board's HTTP routes (hono). Every request must name the per-start secret token as the first path
 * segment (`/<token>/…`), carry a loopback `Host` (or the one the board was asked to bind), and a
 * state change must be a `POST` with the token again in `X-Fleet-Token` and a JSON body — which a page
 * of another origin cannot send without a CORS preflight, and the board answers no preflight and sends
 * no CORS headers. Reads through {@link BoardCards} and {@link readTaskDetail}; changes state only
 * through {@link runBoardAction}.
 */
import { timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { FleetError } from "../errors.js";
import { isBoardAction, runBoardAction } from "./board-actions.js";
import type { BoardCards } from "./board-cards.js";
import type { LiveEvents } from "./live-events.js";
import { readTaskDetail } from "./task-detail.js";

/** What the routes need. `hosts`: the `Host` header values accepted (e.g. `127.0.0.1:4711`). */
export interface BoardAppOptions {
  token: string;
  hosts: ReadonlySet<string>;
  root: string;
  commonDir: string;
  repoName: string;
  cards: BoardCards;
  live: LiveEvents;
}

const ASSETS = new URL("../../assets/board/", import.meta.url);
const require = createRequire(import.meta.url);

/** The files the page loads, read once at start: name → [content type, body]. */
function loadAssets(): Map<string, [string, string]> {
  const read = (name: string) => readFileSync(new URL(name, ASSETS), "utf8");
  return new Map([
    ["", ["text/html; charset=utf-8", read("index.html")]],
    ["board.js", ["text/javascript; charset=utf-8", read("board.js")]],
    ["dom.js", ["text/javascript; charset=utf-8", read("dom.js")]],
    ["task-page.js", ["text/javascript; charset=utf-8", read("task-page.js")]],
    ["board.css", ["text/css; charset=utf-8", read("board.css")]],
    [
      "diff2html.css",
      [
        "text/css; charset=utf-8",
        readFileSync(require.resolve("diff2html/bundles/css/diff2html.min.css"), "utf8"),
      ],
    ],
  ]);
}

const SECURITY_HEADERS: Record<string, string> = {
  "Cache-Control": "no-store",
  "Referrer-Policy": "no-referrer",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** HTTP status for a command's {@link FleetError}. */
function statusFor(err: FleetError): 400 | 404 | 409 | 423 | 422 | 502 {
  switch (err.code) {
    case "usage":
      return 400;
    case "not-found":
    case "not-initialized":
      return 404;
    case "conflict":
      return 409;
    case "locked":
      return 423;
    case "invalid":
      return 422;
    case "git":
      return 502;
  }
}

/** Builds the board's hono app. */
export function boardApp(opts: BoardAppOptions): Hono {
  const assets = loadAssets();
  const app = new Hono();
  app.use("*", async (c, next) => {
    const host = c.req.header("host") ?? "";
    const [, first = "", ...rest] = new URL(c.req.url).pathname.split("/");
    if (!opts.hosts.has(host) || !sameSecret(first, opts.token)) return c.text("forbidden\n", 403);
    if (rest.length === 0) return c.redirect(`/${opts.token}/`, 302);
    if (c.req.method === "POST") {
      const ok =
        sameSecret(c.req.header("x-fleet-token") ?? "", opts.token) &&
        (c.req.header("content-type") ?? "").startsWith("application/json");
      if (!ok) return c.text("forbidden\n", 403);
    } else if (c.req.method !== "GET" && c.req.method !== "HEAD") {
      return c.text("method not allowed\n", 405);
    }
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(k, v);
  });
  const base = `/${opts.token}`;
  app.get(`${base}/api/board`, (c) => c.json({ repo: opts.repoName, cards: [...opts.cards.cards.values()] }));
  app.get(`${base}/api/tasks/:id`, async (c) => {
    try {
      return c.json(await readTaskDetail(opts.root, opts.commonDir, c.req.param("id")));
    } catch (err) {
      if (err instanceof FleetError)
        return c.json({ error: err.message, hint: err.hint ?? null }, statusFor(err));
      throw err;
    }
  });
  app.post(`${base}/api/tasks/:id/:action`, async (c) => {
    const action = c.req.param("action");
    if (!isBoardAction(action)) return c.json({ error: `no such action: ${action}`, hint: null }, 404);
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = await c.req.json();
      body = parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
    } catch {
      return c.json({ error: "the request body is not JSON", hint: null }, 400);
    }
    try {
      return c.json(await runBoardAction(opts.root, c.req.param("id"), action, body));
    } catch (err) {
      if (err instanceof FleetError)
        return c.json({ error: err.message, hint: err.hint ?? null }, statusFor(err));
      throw err;
    }
  });
  app.get(`${base}/events`, (c) =>
    streamSSE(c, async (stream) => {
      let stop: () => void = () => {};
      const done = new Promise<void>((resolve) => {
        stop = resolve;
      });
      const unlisten = opts.live.listen((changes) => {
        for (const card of changes.cards) void stream.writeSSE({ event: "card", data: JSON.stringify(card) });
        for (const id of changes.gone) void stream.writeSSE({ event: "gone", data: JSON.stringify({ id }) });
        for (const id of changes.touched)
          void stream.writeSSE({ event: "touched", data: JSON.stringify({ id }) });
      });
      stream.onAbort(() => stop());
      await stream.writeSSE({ event: "hello", data: "{}" });
      const ping = setInterval(() => void stream.writeSSE({ event: "ping", data: "{}" }), 15_000);
      await done;
      clearInterval(ping);
      unlisten();
    }),
  );
  app.get(`${base}/:asset{[a-z0-9.-]*}`, (c) => {
    const asset = assets.get(c.req.param("asset"));
    if (!asset) return c.text("not found\n", 404);
    return c.body(asset[1], 200, { "Content-Type": asset[0] });
  });
  app.get(`${base}/`, (c) => {
    const asset = assets.get("");
    return asset ? c.body(asset[1], 200, { "Content-Type": asset[0] }) : c.text("not found\n", 404);
  });
  app.notFound((c) => c.text("not found\n", 404));
  return app;
}
