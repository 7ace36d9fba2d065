/**
 * The script agent as a process of its own, for the sandbox (script-contained.ts starts it): reads its
 * request from stdin, plays the script, copies its transcript to stdout, keeps its memory (questions asked)
 * in its private HOME, and exits with the script's exit code — ending with a result line when the
 * outcome is one an exit code cannot say. Limits are enforced by whoever started it.
 */
import { readFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { playScript } from "./script.js";
import { RESULT_MARK, type ScriptChildInput } from "./script-contained.js";

async function main(): Promise<number> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const input = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ScriptChildInput;
  // The parent enforces the limits and kills the whole sandbox; a pause here runs its full length.
  const agent = { ...input.agent, timeout: Number.MAX_SAFE_INTEGER, idle_timeout: Number.MAX_SAFE_INTEGER };
  // Its transcript goes to stdout, where the parent captures it; stdout is a socket, which cannot be
  // opened as a file (ENXIO), so the script writes to a private file that is copied out at the end.
  const logFile = path.join(tmpdir(), `fleet-script-${process.pid}.log`);
  const result = await playScript(
    {
      ...input,
      agent,
      logFile,
      parentEnv: process.env,
      signal: new AbortController().signal,
    },
    { stateDir: path.join(process.env.HOME ?? homedir(), ".fleet-script") },
  );
  process.stdout.write(readFileSync(logFile));
  if (result.outcome === "blocked")
    process.stdout.write(
      `\n${RESULT_MARK}${JSON.stringify({ outcome: result.outcome, reason: result.reason })}\n`,
    );
  return result.exitCode ?? (result.outcome === "finished" ? 0 : 1);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`script agent: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 70;
  },
);
