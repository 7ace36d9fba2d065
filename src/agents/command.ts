/**
 * `runner: command` — any program, run exactly as design.md §6 says: the agent file's argv (no shell),
 * the prompt on stdin and in `FLEET_PROMPT_FILE`, the allowlisted environment plus `FLEET_*`, the
 * agent's wall-clock and inactivity limits, the whole process group killed when either is hit or the
 * run is aborted, and the transcript appended to `req.logFile`.
 */
import { prepareAttemptFiles, transcriptHeader } from "./attempt-files.js";
import { agentEnvFor } from "./env.js";
import { agentResult, resultFromSpawn } from "./outcome.js";
import { spawnProcess } from "./spawn.js";
import type { AgentRunRequest, AgentRunResult } from "./types.js";

/**
 * Runs `req.agent.command` for one attempt and maps how it ended: exit 0 → finished, 75 → try-later,
 * other → failed (reason: the code and the last output line), a limit → timeout (reason: which limit),
 * the signal → aborted, a program that cannot start → blocked (reason: what is missing, how to fix).
 * Never rejects for the agent's behaviour; rejects if the output folder, prompt or log cannot be written.
 */
export async function runCommandAgent(req: AgentRunRequest): Promise<AgentRunResult> {
  const argv = req.agent.command;
  const program = argv?.[0];
  if (!argv || !program) {
    return agentResult(
      "blocked",
      `agent ${req.agentName} has runner: command but no \`command:\` argv in .fleet/agents/${req.agentName}.md`,
    );
  }
  await prepareAttemptFiles(req);
  const spawned = await spawnProcess({
    argv,
    cwd: req.cwd,
    env: agentEnvFor(req),
    input: req.prompt,
    timeoutMs: req.agent.timeout,
    idleTimeoutMs: req.agent.idle_timeout,
    signal: req.signal,
    killGraceMs: req.killGraceMs,
    logFile: req.logFile,
    logHeader: transcriptHeader(req, JSON.stringify(argv)),
    onSpawn: req.onSpawn,
    sandbox: req.sandbox ?? null,
  });
  return resultFromSpawn(spawned, {
    agentName: req.agentName,
    program,
    cwd: req.cwd,
    timeoutMs: req.agent.timeout,
    idleTimeoutMs: req.agent.idle_timeout,
    signal: req.signal,
  });
}
