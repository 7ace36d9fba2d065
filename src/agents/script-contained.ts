/**
 * `runner: script` in the sandbox: the deterministic agent runs as a process of its own
 * (`script-child.js`, started with this Node) inside the attempt's sandbox, like any agent — its
 * transcript on stdout, the agent's wall-clock and inactivity limits enforced from outside, and its
 * outcome read from its last line when it is one a process exit cannot say (an invalid script:
 * `blocked`).
 */
import path from "node:path";
import { packageRoot } from "../sandbox/index.js";
import { prepareAttemptFiles, transcriptHeader } from "./attempt-files.js";
import { agentEnvFor } from "./env.js";
import { agentResult, resultFromSpawn } from "./outcome.js";
import { type SpawnResult, spawnProcess } from "./spawn.js";
import type { AgentRunRequest, AgentRunResult } from "./types.js";

/** The line the child ends with when its outcome is not its exit code's. */
export const RESULT_MARK = "::fleet-script-result::";

/** What the child is told on stdin: the request, less what cannot cross a process boundary. */
export type ScriptChildInput = Pick<
  AgentRunRequest,
  | "taskId"
  | "phase"
  | "attempt"
  | "epoch"
  | "agentName"
  | "agent"
  | "prompt"
  | "cwd"
  | "outputDir"
  | "promptFile"
>;

/** Runs the script agent for `req` inside `req.sandbox` (see the module comment). Never rejects for the script. */
export async function runScriptContained(req: AgentRunRequest): Promise<AgentRunResult> {
  await prepareAttemptFiles(req);
  const input: ScriptChildInput = {
    taskId: req.taskId,
    phase: req.phase,
    attempt: req.attempt,
    epoch: req.epoch,
    agentName: req.agentName,
    agent: req.agent,
    prompt: req.prompt,
    cwd: req.cwd,
    outputDir: req.outputDir,
    promptFile: req.promptFile,
  };
  // The built child, also when this module runs from source (tests): `npm test` builds first.
  const child = path.join(packageRoot(), "dist", "agents", "script-child.js");
  const spawned = await spawnProcess({
    argv: [process.execPath, child],
    cwd: req.cwd,
    env: agentEnvFor(req),
    input: JSON.stringify(input),
    timeoutMs: req.agent.timeout,
    idleTimeoutMs: req.agent.idle_timeout,
    signal: req.signal,
    killGraceMs: req.killGraceMs,
    logFile: req.logFile,
    logHeader: transcriptHeader(req, `script ${req.agent.script ?? "generic"} (sandboxed)`),
    onSpawn: req.onSpawn,
    sandbox: req.sandbox ?? null,
  });
  const marked = spawned.tail
    .split("\n")
    .reverse()
    .find((l) => l.startsWith(RESULT_MARK));
  if (marked && spawned.exitCode !== null) {
    const said = JSON.parse(marked.slice(RESULT_MARK.length)) as Pick<AgentRunResult, "outcome" | "reason">;
    if (said.outcome === "blocked")
      return agentResult("blocked", said.reason, {
        exitCode: spawned.exitCode,
        durationMs: spawned.durationMs,
      });
  }
  return scriptResult(spawned, req);
}

/** How a script attempt ended, from how its play (in-process or as a child) ended. */
export function scriptResult(spawned: SpawnResult, req: AgentRunRequest): AgentRunResult {
  return resultFromSpawn(spawned, {
    agentName: req.agentName,
    program: "script",
    cwd: req.cwd,
    timeoutMs: req.agent.timeout,
    idleTimeoutMs: req.agent.idle_timeout,
    signal: req.signal,
  });
}
