/** A fleet in a temp repo, driven in-process, with agents played by plain functions. */
import { mkdirSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { AgentRunRequest, AgentRunResult, Runner } from "../../src/agents/types.js";
import { Coordinator, type CoordinatorOptions } from "../../src/coordinator/coordinator.js";
import { defaultExecutors } from "../../src/coordinator/executors.js";
import type { Executors, FleetLogEvent } from "../../src/coordinator/job.js";
import { findRepo } from "../../src/git/repo.js";
import { gitOut, tempRepo, writeFile } from "../helpers/temp-repo.js";

/** What a fake agent does for one request: write outputs, then say how it ended. */
export type Play = (
  req: AgentRunRequest,
) => Partial<AgentRunResult> | Promise<Partial<AgentRunResult> | undefined> | undefined;

/** A runner that calls `play` and reports `finished` unless `play` says otherwise. */
export function fakeRunner(play: Play): Runner {
  return async (req) => {
    const r = (await play(req)) ?? {};
    return {
      outcome: "finished",
      exitCode: 0,
      reason: null,
      durationMs: 5,
      cost: { usd: 0.01, input_tokens: 100, output_tokens: 10 },
      sessionId: null,
      retryAfterMs: null,
      finalMessage: null,
      ...r,
    };
  };
}

/** Writes a valid output for each phase (implement: a file in the worktree). */
export const goodAgent: Play = (req) => {
  const out = (name: string, text: string) => writeFileSync(path.join(req.outputDir, name), text);
  if (req.phase === "research") out("research.md", `# Findings for ${req.taskId}\n\nNothing exists yet.\n`);
  if (req.phase === "plan") {
    out("plan.md", `# Plan\n\nAdd ${req.taskId}.txt\n`);
    out(
      "acceptance.md",
      `---\nchecks:\n  - id: AC1\n    says: the file exists\n    run: sh .fleet/acceptance/${req.taskId}/check.sh\n---\n`,
    );
    mkdirSync(path.join(req.outputDir, "acceptance"), { recursive: true });
    out("acceptance/check.sh", `test -f ${req.taskId}.txt\n`);
  }
  if (req.phase === "implement") writeFileSync(path.join(req.cwd, `${req.taskId}.txt`), "done\n");
  return undefined;
};

/**
 * A temp repo with `.fleet/` config and three agents committed. Unless `config` names gates, the
 * implement and ship gates are just `acceptance` (no build or test gate files exist here).
 */
export function fleetRepo(config = "concurrency: 2\n"): string {
  const root = tempRepo();
  const gates = config.includes("gates:") ? "" : "gates: { implement: [acceptance], ship: [acceptance] }\n";
  writeFile(root, ".fleet/config.md", `---\n${config}${gates}---\n`);
  for (const name of ["researcher", "planner", "implementer"])
    writeFile(root, `.fleet/agents/${name}.md`, `---\nrunner: script\n---\nYou are the ${name}.\n`);
  gitOut(root, "add", ".fleet");
  gitOut(root, "commit", "-q", "-m", "fleet init");
  return root;
}

/** Drops an idea file and ages it past the settle time. */
export function dropIdea(root: string, id: string, text: string): void {
  const abs = writeFile(root, `.fleet/queue/${id}.md`, text);
  const past = new Date(Date.now() - 5_000);
  utimesSync(abs, past, past);
}

/** A coordinator on `root` recording its events. */
export async function coordinator(root: string, play: Play, over: Partial<CoordinatorOptions> = {}) {
  const events: FleetLogEvent[] = [];
  const repo = await findRepo(root);
  const c = new Coordinator({
    repo,
    getRunner: () => fakeRunner(play),
    onEvent: (e) => events.push(e),
    ...over,
  });
  return { c, events, repo };
}

/** The stock executors without ship, for tests that stop a task at `ship / ready`. */
export function upToImplement(): Executors {
  const { research, plan, implement } = defaultExecutors();
  return { research, plan, implement };
}

/** Reconciles until nothing runs and nothing new starts. */
export async function drain(c: Coordinator): Promise<void> {
  for (;;) {
    const r = await c.reconcile({ full: true });
    if (c.running().size === 0 && r.started.length === 0) return;
    await c.whenJobEnds();
  }
}

/** Trailers of every commit whose Fleet-Task is `id`, oldest first, as "phase event" strings. */
export function taskLog(root: string, id: string): string[] {
  const out: string[] = [];
  const log = gitOut(
    root,
    "log",
    "--reverse",
    `--grep=Fleet-Task: ${id}$`,
    "--format=%(trailers:key=Fleet-Carried,valueonly,separator=%x1f)%x1e%(trailers:key=Fleet-Phase,valueonly,separator=)%x20%(trailers:key=Fleet-Event,valueonly,separator=)",
  );
  for (const line of log.split("\n").filter(Boolean)) {
    const [carried = "", own = ""] = line.split("\x1e");
    // An event whose files a later commit carried (deferred-commits.ts) comes first, marked.
    for (const c of carried.split("\x1f").filter(Boolean))
      out.push(`${c.split(" ").slice(0, 2).join(" ")} (carried)`);
    out.push(own);
  }
  return out;
}
