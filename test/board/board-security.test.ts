/**
 * The board's protection against other local pages, over real HTTP to a board started in-process on a
 * temp repository: the token on every request and event stream, the loopback Host check, POST only with
 * the token header and a JSON body, no CORS.
 */
import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningBoard, startBoard } from "../../src/board/start-board.js";
import { init } from "../../src/commands/init.js";
import { commitFleetDir, writeTaskFile } from "../helpers/fleet-fixtures.js";
import { gitOut, tempRepo } from "../helpers/temp-repo.js";

const boards: RunningBoard[] = [];
afterEach(async () => {
  for (const b of boards.splice(0)) await b.close();
});

async function board(): Promise<{ root: string; b: RunningBoard }> {
  const root = tempRepo();
  await init({ cwd: root });
  writeTaskFile(root, { id: "a", title: "An idea", phase: "idea", status: "draft" });
  commitFleetDir(root);
  const b = await startBoard({ cwd: root });
  boards.push(b);
  return { root, b };
}

/** One raw HTTP request (fetch forbids setting Host). */
function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body = "",
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => {
        text += c.toString();
        if (res.headers["content-type"]?.startsWith("text/event-stream")) res.destroy();
      });
      res.on("close", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("fleet board security", () => {
  it("listens on 127.0.0.1 only and refuses another interface unless exposed", async () => {
    const { b } = await board();
    expect(new URL(b.url).hostname).toBe("127.0.0.1");
    expect(b.token.length).toBeGreaterThanOrEqual(32);
    await expect(startBoard({ cwd: process.cwd(), host: "0.0.0.0" })).rejects.toThrow(/not a loopback/);
  });

  it("answers nothing without the token, the event stream included", async () => {
    const { b } = await board();
    for (const path of ["/", "/api/board", "/events", "/board.js", `/${b.token.slice(1)}/api/board`]) {
      expect((await send(b.port, "GET", path)).status, path).toBe(403);
    }
    expect((await send(b.port, "GET", `/${b.token}/api/board`)).status).toBe(200);
    const events = await send(b.port, "GET", `/${b.token}/events`);
    expect(events.status).toBe(200);
    expect(events.text).toContain("event: hello");
  });

  it("refuses a Host that is not loopback (DNS rebinding)", async () => {
    const { b } = await board();
    const r = await send(b.port, "GET", `/${b.token}/api/board`, { Host: `evil.example:${b.port}` });
    expect(r.status).toBe(403);
  });

  it("changes state only by POST with the token header and a JSON body, and sends no CORS headers", async () => {
    const { root, b } = await board();
    const head = gitOut(root, "rev-parse", "HEAD");
    const url = `/${b.token}/api/tasks/a/ready`;
    const json = { "Content-Type": "application/json" };
    // A cross-site form can send neither the header nor a JSON content type.
    expect((await send(b.port, "POST", url, { "Content-Type": "text/plain" }, "{}")).status).toBe(403);
    expect((await send(b.port, "POST", url, json, "{}")).status).toBe(403);
    expect((await send(b.port, "GET", url)).status).toBe(404);
    const preflight = await send(b.port, "OPTIONS", url, {
      Origin: "http://evil.example",
      "Access-Control-Request-Method": "POST",
    });
    expect(preflight.status).toBe(405);
    expect(preflight.headers["access-control-allow-origin"]).toBeUndefined();
    expect(gitOut(root, "rev-parse", "HEAD")).toBe(head);

    const ok = await send(
      b.port,
      "POST",
      url,
      { ...json, "X-Fleet-Token": b.token, Origin: "http://x" },
      "{}",
    );
    expect(ok.status).toBe(200);
    expect(ok.headers["access-control-allow-origin"]).toBeUndefined();
    expect(JSON.parse(ok.text)).toMatchObject({ to: { phase: "idea", status: "ready" } });
    expect(gitOut(root, "log", "-1", "--format=%an|%(trailers:key=Fleet-Event,valueonly)")).toBe(
      "Ada Lovelace|ready",
    );
  });

  it("says why an action is refused, with the command's own words", async () => {
    const { b } = await board();
    const headers = { "Content-Type": "application/json", "X-Fleet-Token": b.token };
    const r = await send(b.port, "POST", `/${b.token}/api/tasks/a/approve`, headers, '{"sha256":"x"}');
    expect(r.status).toBe(409);
    expect(JSON.parse(r.text).error).toMatch(/nothing to approve: a is idea \/ draft/);
    const missing = await send(b.port, "POST", `/${b.token}/api/tasks/a/reject`, headers, "{}");
    expect(missing.status).toBe(400);
    const unknown = await send(b.port, "POST", `/${b.token}/api/tasks/a/merge`, headers, "{}");
    expect(unknown.status).toBe(404);
  });
});
