/** What every runner does before it starts an agent: the output folder exists, the prompt file holds the prompt. */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { AgentRunRequest } from "./types.js";

/**
 * Creates `req.outputDir` (and the folders of `req.promptFile` and `req.logFile`) and writes the prompt to
 * `req.promptFile` (mode 0600: prompts may quote private code). Idempotent.
 */
export async function prepareAttemptFiles(req: AgentRunRequest): Promise<void> {
  await mkdir(req.outputDir, { recursive: true });
  await mkdir(path.dirname(req.promptFile), { recursive: true });
  await mkdir(path.dirname(req.logFile), { recursive: true });
  await writeFile(req.promptFile, req.prompt, { mode: 0o600 });
}

/** The first line of every transcript: who runs what, for which attempt. */
export function transcriptHeader(req: AgentRunRequest, detail: string): string {
  return `task ${req.taskId} · ${req.phase} · attempt ${req.attempt} · epoch ${req.epoch} · agent ${req.agentName} (${req.agent.runner}) · ${detail}`;
}
