/**
 * `fleet demo`: the whole lifecycle on a small real project, with no model, no key and no network.
 * It makes a temporary git repository holding a tiny JS library with its own test suite, runs the
 * real `fleet init`, switches the agents to `runner: script`, writes two ideas as markdown files and
 * marks them ready, runs the daemon until idle (research, plan), approves both plans on the person's
 * behalf, and runs the daemon until idle again (implement, the gates, ship). One idea ships through
 * every gate after one retry; the other is stopped by its acceptance check when its attempts run out.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { getRunner } from "../agents/index.js";
import type { FleetLogEvent } from "../coordinator/job.js";
import { commitFleet } from "../git/commit-fleet.js";
import { findRepo } from "../git/repo.js";
import { git, gitText } from "../git/run-git.js";
import { probeSandbox } from "../sandbox/index.js";
import { fleetPaths } from "../store/paths.js";
import { readRuns } from "../store/read-records.js";
import { readTasks } from "../store/read-tasks.js";
import type { GateResult } from "../store/schemas/run.js";
import { runDaemon } from "../watcher/daemon.js";
import { approve } from "./approve.js";
import { FLEET_SETUP, IDEAS, LIBRARY } from "./demo-project.js";
import { init } from "./init.js";
import { ready } from "./ready.js";

/** Options of {@link demo}. */
export interface DemoOptions {
  /** Leave the project directory in place (default: removed at the end). */
  keep: boolean;
  /** Where the project directory is made (default: the OS temp directory). */
  parent?: string;
  /** A step of the demo, for people ("approving the plan of add-greet on your behalf"). */
  onStep(text: string): void;
  /** The daemon's event lines. */
  onEvent(event: FleetLogEvent): void;
  /** The environment the daemon hands (filtered) to agents and gates. Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

/** One task at the end of the demo. */
export interface DemoTask {
  id: string;
  title: string;
  phase: string;
  status: string;
  reason: string | null;
  shipped: { commit: string; at: string } | null;
  attempts: Record<string, number>;
  /** The gates of its last implement run, and of its last ship run (empty when none ran). */
  implementGates: GateResult[];
  shipGates: GateResult[];
}

/** What the demo did. `ok` is true when add-greet shipped and title-case failed, as designed. */
export interface DemoResult {
  dir: string;
  kept: boolean;
  approved: string[];
  tasks: DemoTask[];
  /** `git log --format='%h %s'` of the base branch, newest first. */
  gitLog: string;
  ok: boolean;
}

const PERSON = { name: "Demo Person", email: "person@demo.invalid" };

async function makeProject(dir: string): Promise<void> {
  for (const [rel, content] of Object.entries(LIBRARY)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
  const run = (args: string[]) => git(args, { cwd: dir });
  await run(["init", "-q", "-b", "main"]);
  await run(["config", "user.name", PERSON.name]);
  await run(["config", "user.email", PERSON.email]);
  await run(["config", "commit.gpgsign", "false"]);
  await run(["add", "-A"]);
  await run(["commit", "-q", "-m", "textkit: small string helpers, with tests"]);
}

/**
 * Writes the demo's `.fleet/` and commits it. Without a sandbox on this machine the demo — our own
 * deterministic agent on our own sample project — runs uncontained (`sandbox: off`, said in its config);
 * no other fleet gets that exception.
 */
async function configureFleet(dir: string, sandboxed: boolean): Promise<void> {
  await init({ cwd: dir });
  const fleet = fleetPaths(dir).fleet;
  for (const [rel, content] of Object.entries(FLEET_SETUP)) {
    const text =
      rel === "config.md" && !sandboxed
        ? content.replace(
            "\n---\n",
            "\n# No sandbox on this machine: the demo's own agent runs uncontained.\nsandbox: off\n---\n",
          )
        : content;
    writeFileSync(path.join(fleet, rel), text);
  }
  await commitFleet(await findRepo(dir), {
    event: {
      task: "fleet",
      phase: "fleet",
      event: "configured",
      body: "Demo: scripted agents (runner: script); gates build, test, review, acceptance, health; max_attempts 2.",
      by: `${PERSON.name} <${PERSON.email}>`,
    },
    paths: Object.keys(FLEET_SETUP).map((rel) => `.fleet/${rel}`),
    author: PERSON,
  });
}

function summarize(dir: string): DemoTask[] {
  const paths = fleetPaths(dir);
  return [...readTasks(paths).tasks.values()].map(({ record: t }) => {
    const gated = readRuns(paths, t.id).filter((r) => r.record.gates.length > 0);
    const last = (phase: string) => gated.filter((r) => r.record.phase === phase).at(-1)?.record.gates ?? [];
    return {
      id: t.id,
      title: t.title,
      phase: t.phase,
      status: t.status,
      reason: t.reason,
      shipped: t.shipped,
      attempts: t.attempts,
      implementGates: last("implement"),
      shipGates: last("ship"),
    };
  });
}

/**
 * Runs the demo (see the module comment). Never needs a network or an API key.
 * @throws FleetError when a fleet step fails (the directory is kept and named in the message's cause).
 */
export async function demo(opts: DemoOptions): Promise<DemoResult> {
  const dir = realpathSync(mkdtempSync(path.join(opts.parent ?? tmpdir(), "fleet-demo-")));
  let kept = opts.keep;
  try {
    opts.onStep(`making a small project in ${dir}: textkit, a string library with a node --test suite`);
    await makeProject(dir);
    const probe = probeSandbox(opts.env ?? process.env);
    if (!probe.ok)
      opts.onStep(
        `no sandbox on this machine (${probe.reason.replace(/^no sandbox can be made: /, "")}): the demo runs its own agent uncontained; install bubblewrap (sudo apt-get install bubblewrap) to see it contained`,
      );
    opts.onStep(
      `fleet init, then scripted agents (no model, no network) and five implement gates${probe.ok ? ", each in a bubblewrap sandbox" : ""}`,
    );
    await configureFleet(dir, probe.ok);
    for (const [id, text] of Object.entries(IDEAS)) {
      writeFileSync(path.join(fleetPaths(dir).queue, `${id}.md`), text);
      await ready({ cwd: dir, id });
      opts.onStep(`wrote the idea .fleet/queue/${id}.md and marked it ready (fleet ready ${id})`);
    }
    const daemon = (command: string) =>
      runDaemon({
        cwd: dir,
        mode: "until-idle",
        signal: new AbortController().signal,
        getRunner,
        env: opts.env ?? process.env,
        onEvent: opts.onEvent,
        command,
      });
    opts.onStep("running the fleet until idle: research, then plans wait for a person");
    await daemon("fleet demo (research, plan)");
    const approved: string[] = [];
    for (const t of summarize(dir)) {
      if (t.phase !== "plan" || t.status !== "awaiting-approval") continue;
      opts.onStep(`approving the plan of ${t.id} on your behalf (fleet approve ${t.id})`);
      await approve({ cwd: dir, id: t.id });
      approved.push(t.id);
    }
    opts.onStep("running the fleet until idle: implement, gates, ship");
    await daemon("fleet demo (implement, ship)");
    const tasks = summarize(dir);
    const gitLog = await gitText(["log", "--format=%h %s", "main"], { cwd: dir });
    const state = (id: string) => tasks.find((t) => t.id === id);
    const ok = state("add-greet")?.phase === "done" && state("title-case")?.status === "failed";
    if (!ok) kept = true;
    return { dir, kept, approved, tasks, gitLog, ok };
  } catch (err) {
    kept = true;
    throw err;
  } finally {
    if (!kept) rmSync(dir, { recursive: true, force: true });
  }
}
