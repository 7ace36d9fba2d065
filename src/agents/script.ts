/**
 * `runner: script` — a deterministic agent with no model, for demos and tests. It runs in-process but
 * keeps the contract of a real agent: it writes its answer into `outputDir` (research.md; plan.md,
 * acceptance.md and acceptance/; review.md; question.md), edits files in `cwd` in implement, appends a
 * transcript to `logFile`, honours the agent's limits and the abort signal, and ends with an exit code.
 * What it does comes from ```` ```fleet-script ```` blocks in the prompt (see script-format.ts and
 * docs/agents.md), over the preset the agent file names with `script:`; otherwise generic outputs.
 */
import { lstat, mkdir, readFile, realpath, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { prepareAttemptFiles, transcriptHeader } from "./attempt-files.js";
import { agentResult } from "./outcome.js";
import { OutputCapture } from "./output-capture.js";
import { runScriptContained, scriptResult } from "./script-contained.js";
import { type FleetScript, pickStep, readScript, SCRIPT_PRESETS, type ScriptStep } from "./script-format.js";
import * as out from "./script-outputs.js";
import type { SpawnResult } from "./spawn.js";
import type { AgentRunRequest, AgentRunResult } from "./types.js";

type Ending = Pick<SpawnResult, "exitCode" | "timedOut" | "idledOut" | "aborted">;
const exited = (code: number): Ending => ({
  exitCode: code,
  timedOut: false,
  idledOut: false,
  aborted: false,
});

/**
 * Plays the script for one attempt: in its sandbox, as a process of its own (script-contained.ts), when
 * `req.sandbox` is set; else here, in-process. Never rejects for the script's behaviour; an invalid
 * script is `blocked`.
 */
export async function runScriptAgent(req: AgentRunRequest): Promise<AgentRunResult> {
  if (req.sandbox) return runScriptContained(req);
  await prepareAttemptFiles(req);
  return playScript(req, { stateDir: path.dirname(req.logFile) });
}

/**
 * Plays the script in this process, its transcript appended to `req.logFile`; `stateDir` keeps what
 * must outlive the attempt (which questions were asked). The attempt's files must exist.
 */
export async function playScript(req: AgentRunRequest, opts: { stateDir: string }): Promise<AgentRunResult> {
  const started = performance.now();
  const capture = new OutputCapture({ logFile: req.logFile });
  capture.note(
    `=== ${new Date().toISOString()} ${transcriptHeader(req, `script ${req.agent.script ?? "generic"}`)}`,
  );
  const say = (text: string) =>
    capture.write(Buffer.from(text.endsWith("\n") ? text : `${text}\n`), "stdout");
  const finish = (end: Ending): AgentRunResult => {
    const durationMs = Math.round(performance.now() - started);
    capture.note(
      `=== ${new Date().toISOString()} end: ${end.exitCode === null ? "stopped" : `exit ${end.exitCode}`} after ${durationMs} ms`,
    );
    const tail = capture.tail();
    capture.close();
    const spawned: SpawnResult = { ...end, signal: null, spawnError: null, pgid: null, durationMs, tail };
    return scriptResult(spawned, req);
  };

  if (req.signal.aborted) return finish({ ...exited(0), exitCode: null, aborted: true });
  let script: FleetScript;
  try {
    script = readScript(req.prompt, presetFor(req));
  } catch (err) {
    const reason = `${(err as Error).message} — fix it in .fleet/queue/${req.taskId}.md or .fleet/agents/${req.agentName}.md`;
    say(reason);
    finish(exited(2));
    return agentResult("blocked", reason, { durationMs: Math.round(performance.now() - started) });
  }
  if (req.phase === "ship") return finish(exited(0));
  const step: ScriptStep = pickStep(script[req.phase], req.attempt, req.prompt) ?? {};

  if (step.sleep) {
    const stopped = await pause(step.sleep, req, started);
    if (stopped) return finish(stopped);
  }
  try {
    if (step.question && (await askOnce(req, opts.stateDir, step.question))) {
      await writeInside(req.outputDir, "question.md", `${step.question.trim()}\n`);
      say(`asked: ${step.question.trim()}`);
      if (step.say) say(step.say);
      return finish(exited(step.exit ?? 0));
    }
    await play(step, req, say);
    if (step.say) say(step.say); // last, so a failing step's words are the reason
  } catch (err) {
    say(`script error: ${(err as Error).message}`);
    return finish(exited(1));
  }
  return finish(exited(step.exit ?? 0));
}

function presetFor(req: AgentRunRequest): FleetScript {
  const name = req.agent.script ?? "generic";
  const preset = SCRIPT_PRESETS[name];
  if (!preset) {
    const known = Object.keys(SCRIPT_PRESETS).join(", ");
    throw new Error(`script "${name}" is not a built-in script (known: ${known})`);
  }
  return preset;
}

/** Writes the phase's outputs and applies the step's file edits. */
async function play(step: ScriptStep, req: AgentRunRequest, say: (text: string) => void): Promise<void> {
  const emit = async (root: string, rel: string, content: string) => {
    await writeInside(root, rel, content);
    say(
      `wrote ${root === req.outputDir ? "$FLEET_OUTPUT_DIR/" : ""}${rel} (${Buffer.byteLength(content)} bytes)`,
    );
  };
  const { taskId, phase, outputDir, cwd, prompt } = req;
  if (phase === "research" && step.output !== null) {
    await emit(
      outputDir,
      "research.md",
      step.output
        ? out.withFrontmatter(step.output, { task: taskId })
        : out.genericResearch(taskId, cwd, prompt),
    );
  }
  if (phase === "plan") {
    if (step.output !== null) {
      await emit(
        outputDir,
        "plan.md",
        step.output ? out.withFrontmatter(step.output, { task: taskId }) : out.genericPlan(taskId, prompt),
      );
    }
    const acc = step.acceptance;
    if (typeof acc === "string") await emit(outputDir, "acceptance.md", acc);
    else if (acc) {
      await emit(outputDir, "acceptance.md", out.acceptanceFile(taskId, acc.checks));
      for (const [rel, content] of Object.entries(acc.files ?? {}))
        await emit(outputDir, `acceptance/${rel}`, content);
    } else if (step.output !== null) {
      const generic = out.genericAcceptance(taskId);
      await emit(outputDir, "acceptance.md", generic.text);
      for (const [rel, content] of Object.entries(generic.files))
        await emit(outputDir, `acceptance/${rel}`, content);
    }
  }
  if (phase === "review" && step.output !== null) {
    await emit(outputDir, "review.md", out.reviewFile(step.verdict ?? "approve", step.output));
  }
  for (const [rel, content] of Object.entries(step.files ?? {})) await emit(outputDir, rel, content);
  for (const [rel, content] of Object.entries(step.write ?? {})) await emit(cwd, rel, content);
  for (const rel of step.delete ?? []) {
    await assertInside(cwd, rel);
    await rm(path.join(cwd, rel), { force: true, recursive: true });
    say(`deleted ${rel}`);
  }
  if (phase === "implement" && !step.write && !step.delete) {
    const [rel, content] = out.genericImplementation(taskId, req.attempt);
    await emit(cwd, rel, content);
  }
}

/**
 * Waits `ms`, but no longer than the agent's wall-clock and inactivity limits allow, and stops on abort.
 * @returns how the wait was cut short, or null when it ran its course.
 */
async function pause(ms: number, req: AgentRunRequest, started: number): Promise<Ending | null> {
  const wallLeft = req.agent.timeout - (performance.now() - started);
  const limit = Math.min(wallLeft, req.agent.idle_timeout);
  try {
    await sleep(Math.max(0, Math.min(ms, limit)), undefined, { signal: req.signal });
  } catch {
    return { exitCode: null, timedOut: false, idledOut: false, aborted: true };
  }
  if (ms < limit) return null;
  const wall = wallLeft <= req.agent.idle_timeout;
  return { exitCode: null, timedOut: wall, idledOut: !wall, aborted: false };
}

/**
 * True the first time this task asks `question` in this phase; remembered in a file in `stateDir` (beside
 * the log in-process, the task's private HOME in the sandbox; never committed), so a resumed task goes
 * on instead of asking again.
 */
async function askOnce(req: AgentRunRequest, stateDir: string, question: string): Promise<boolean> {
  const file = path.join(stateDir, `.script-asked-${req.taskId}.json`);
  let asked: string[] = [];
  try {
    asked = JSON.parse(await readFile(file, "utf8")) as string[];
  } catch {
    // first question of this task
  }
  const key = `${req.phase}: ${question.trim()}`;
  if (asked.includes(key)) return false;
  await mkdir(stateDir, { recursive: true });
  await writeFile(file, JSON.stringify([...asked, key]));
  return true;
}

/** Refuses a path that leaves `root` — by `..`, an absolute path, or a symlinked folder or file. */
async function assertInside(root: string, rel: string): Promise<string> {
  const target = path.resolve(root, rel);
  const realRoot = await realpath(root);
  if (path.isAbsolute(rel) || !target.startsWith(`${path.resolve(root)}${path.sep}`)) {
    throw new Error(`refused to touch "${rel}": outside ${root}`);
  }
  let dir = path.dirname(target);
  while (!(await exists(dir))) dir = path.dirname(dir);
  const realDir = await realpath(dir);
  if (realDir !== realRoot && !realDir.startsWith(`${realRoot}${path.sep}`)) {
    throw new Error(`refused to touch "${rel}": a symlink leads outside ${root}`);
  }
  const stat = await lstat(target).catch(() => null);
  if (stat?.isSymbolicLink()) throw new Error(`refused to write "${rel}": it is a symlink`);
  return target;
}

async function writeInside(root: string, rel: string, content: string): Promise<void> {
  const target = await assertInside(root, rel);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, content);
}

async function exists(p: string): Promise<boolean> {
  return lstat(p).then(
    () => true,
    () => false,
  );
}
