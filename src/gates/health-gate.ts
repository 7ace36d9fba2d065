/**
 * `kind: health` — start the candidate's service and probe it. The service gets a free port on
 * 127.0.0.1 (as `PORT` in its environment and `{port}` in `start` and `url`); the gate polls `url`
 * until it answers with the `expect`ed status or `ready_timeout` runs out, then stops the service with
 * every process it started (its process group). An optional `command` gate named `deploy`, listed
 * before it, can deploy the candidate to a preview; this gate then probes whatever `url` names.
 */
import { createServer } from "node:net";
import type { Gate } from "../store/schemas/gate.js";
import { formatMs, outputExcerpt } from "./feedback.js";
import { inCheckout, startShell } from "./shell.js";
import type { GateContext, GateOutcome } from "./types.js";

type HealthGate = Extract<Gate, { kind: "health" }>;

/** Between probes, ms. */
const POLL_MS = 150;
/** One probe's own limit, ms. */
const PROBE_TIMEOUT_MS = 2_000;

/** A TCP port free on 127.0.0.1 right now (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** One HTTP GET: the status, or why there was none ("ECONNREFUSED"). Redirects are not followed. */
async function probe(url: string): Promise<{ status: number } | { error: string }> {
  try {
    const res = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await res.body?.cancel().catch(() => {});
    return { status: res.status };
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return { error: cause?.code ?? cause?.message ?? (err as Error).message };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `gate.start`, waits for `gate.url` to answer `gate.expect`, stops the service. Fails when the
 * service exits first, answers something else until `ready_timeout` (ms) is up, or never answers; the
 * feedback names the URL, the last answer and the service's output.
 */
export async function runHealthGate(gate: HealthGate, ctx: GateContext): Promise<GateOutcome> {
  const port = await freePort();
  const url = gate.url.replaceAll("{port}", String(port));
  const command = gate.start.replaceAll("{port}", String(port));
  const service = startShell(inCheckout(ctx, command, gate.timeout, { PORT: String(port) }));
  let exited = false;
  void service.done.then(() => {
    exited = true;
  });
  const deadline = Date.now() + gate.ready_timeout;
  const seen: string[] = [];
  let last = "no answer yet";
  let passed = false;
  try {
    while (!ctx.signal?.aborted) {
      const answer = await probe(url);
      last = "status" in answer ? `HTTP ${answer.status}` : answer.error;
      if (seen.at(-1) !== last) seen.push(last);
      if ("status" in answer && answer.status === gate.expect) {
        passed = true;
        break;
      }
      if (exited || Date.now() >= deadline) break;
      await sleep(POLL_MS);
    }
  } finally {
    const end = await service.stop();
    if (passed && end.spawnError) passed = false;
  }
  const end = await service.done;
  const probes = `GET ${url}: ${seen.join(" → ")}`;
  const output = `${end.output.trim()}\n\n${probes}`;
  if (passed) return { verdict: "pass", exitCode: 0, command, output, feedback: null };
  const why = end.spawnError
    ? `could not start \`${command}\`: ${end.spawnError}`
    : exited && !end.aborted
      ? `the service (\`${command}\`) exited with ${end.exitCode === null ? end.signal : `code ${end.exitCode}`} before ${url} answered ${gate.expect}; last answer: ${last}`
      : `${url} did not answer ${gate.expect} within ${formatMs(gate.ready_timeout)} of starting \`${command}\` (PORT=${port}); last answer: ${last}`;
  return {
    verdict: end.spawnError ? "error" : "fail",
    exitCode: end.exitCode,
    command,
    output,
    feedback: `Gate \`${ctx.gateName}\` failed: ${why}.\n\nService output:\n${outputExcerpt(end.output, 40, 3_000)}`,
  };
}
