/**
 * End-to-end helpers for the daemon: a temp repository with `command` agents played by one plain node
 * script, the built CLI started as a real `fleet watch` subprocess, and a way to wait for state.
 *
 * The fake agent reads `behaviour.json` beside it on every run and appends to an event log:
 * `start <task> <phase> <pid> <attempt>`, `end <task> <phase> <pid>`, `child <task> <pid>` — and
 * `OVERLAP <task> <pid>` when it starts while an earlier run of the same task is still alive, so a
 * test can prove nothing ran twice at once.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach } from "vitest";
import { isPidAlive } from "../../src/coordinator/claims.js";
import { fleetPaths } from "../../src/store/paths.js";
import { readRuns } from "../../src/store/read-records.js";
import { readTask } from "../../src/store/read-tasks.js";
import type { Task } from "../../src/store/schemas/task.js";
import { CLI } from "../helpers/run-fleet.js";
import { gitOut, tempDir, tempRepo, testEnv, writeFile } from "../helpers/temp-repo.js";

const AGENT = String.raw`
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
const here = path.dirname(fileURLToPath(import.meta.url));
const b = JSON.parse(readFileSync(path.join(here, "behaviour.json"), "utf8"));
const task = process.env.FLEET_TASK_ID, phase = process.env.FLEET_PHASE, out = process.env.FLEET_OUTPUT_DIR;
const log = (line) => appendFileSync(b.log, line + "\n");
// A killed process nobody reaped yet (a zombie) still answers signal 0: it is dead all the same.
const alive = (pid) => { try { const s = readFileSync("/proc/" + pid + "/stat", "utf8"); return s[s.lastIndexOf(")") + 2] !== "Z"; } catch { return false; } };
const lines = existsSync(b.log) ? readFileSync(b.log, "utf8").split("\n") : [];
const ended = new Set(lines.filter((l) => l.startsWith("end " + task + " ")).map((l) => l.split(" ")[3]));
for (const l of lines) {
  const [kind, t, , pid] = l.split(" ");
  if (kind === "start" && t === task && !ended.has(pid) && alive(Number(pid))) log("OVERLAP " + task + " " + pid);
}
log("start " + task + " " + phase + " " + process.pid + " " + process.env.FLEET_ATTEMPT);
console.log("agent " + phase + " for " + task + ", pid " + process.pid);
if (b.printEnv) console.log("ENV " + JSON.stringify(process.env));
if ((b.hang ?? []).includes(task)) {
  const child = spawn("sleep", ["1000"], { stdio: "ignore" });
  log("child " + task + " " + child.pid);
  setInterval(() => {}, 1 << 30);
} else {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  while (b.barrier && !existsSync(b.barrier)) await sleep(50);
  await sleep(b.sleepMs ?? 0);
  const w = (name, text) => { mkdirSync(path.dirname(path.join(out, name)), { recursive: true }); writeFileSync(path.join(out, name), text); };
  const fail = (b.fail ?? {})[task];
  if (fail === phase) { log("end " + task + " " + phase + " " + process.pid); console.error("failing on purpose"); process.exit(3); }
  if (phase === "research") w("research.md", "# Findings for " + task + "\n\n" + (b.printEnv ? JSON.stringify(Object.keys(process.env).sort()) : "All clear.") + "\n");
  if (phase === "plan") {
    w("plan.md", "# Plan for " + task + "\n\nWrite " + task + ".txt.\n");
    w("acceptance.md", "---\nchecks:\n  - id: AC1\n    says: the file exists\n    run: sh .fleet/acceptance/" + task + "/check.sh\n---\n");
    w("acceptance/check.sh", "test -f " + task + ".txt\n");
  }
  if (phase === "implement") writeFileSync(task + ".txt", "made by the implementer\n");
  log("end " + task + " " + phase + " " + process.pid);
}
`;

/** What the fake agent does; see the module comment. */
export interface Behaviour {
  barrier?: string;
  sleepMs?: number;
  hang?: string[];
  fail?: Record<string, string>;
  printEnv?: boolean;
}

/** A fleet repo with fake agents; `behave` rewrites behaviour.json. */
export interface E2EFleet {
  root: string;
  dir: string;
  log: string;
  behave(b: Behaviour): void;
  logLines(): string[];
  task(id: string): Task;
  runs(id: string): ReturnType<typeof readRuns>;
}

const daemons: ChildProcess[] = [];
const agentLogs: string[] = [];

/** Kills `pid` only if it still is one of ours: its command line mentions `marker` (pids get reused). */
function killIfOurs(pid: number, marker: string): void {
  try {
    if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker)) process.kill(pid, "SIGKILL");
  } catch {
    // gone, or not ours to read
  }
}

afterEach(() => {
  for (const d of daemons.splice(0)) if (d.exitCode === null && d.signalCode === null) d.kill("SIGKILL");
  for (const log of agentLogs.splice(0)) {
    if (!existsSync(log)) continue;
    for (const line of readFileSync(log, "utf8").split("\n")) {
      const parts = line.split(" ");
      if (parts[0] === "start") killIfOurs(Number(parts[3]), path.dirname(log));
      if (parts[0] === "child") killIfOurs(Number(parts[2]), "sleep\u00001000");
    }
  }
});

/** A temp repo with `.fleet/` config (`config` lines in the frontmatter) and three command agents. */
export function e2eFleet(config = "concurrency: 2\n", agentFields = ""): E2EFleet {
  const root = tempRepo();
  const dir = tempDir("fleet-agent-");
  const log = path.join(dir, "agent.log");
  agentLogs.push(log);
  writeFileSync(path.join(dir, "agent.mjs"), AGENT);
  const behave = (b: Behaviour) =>
    writeFileSync(path.join(dir, "behaviour.json"), JSON.stringify({ log, ...b }));
  behave({});
  const rescan = config.includes("rescan:") ? "" : "rescan: 2s\n";
  // The fake agent reports to the test through agent.log beside it, outside its checkout, which a sandbox
  // hides: these tests are about the daemon's handling of agents; test/sandbox/ runs them contained.
  writeFile(
    root,
    ".fleet/config.md",
    `---\n${rescan}sandbox: off\ngates: { implement: [], ship: [] }\n${config}---\n`,
  );
  for (const name of ["researcher", "planner", "implementer"]) {
    writeFile(
      root,
      `.fleet/agents/${name}.md`,
      `---\nrunner: command\ncommand: [${JSON.stringify(process.execPath)}, ${JSON.stringify(path.join(dir, "agent.mjs"))}]\n${agentFields}---\nYou are the ${name}.\n`,
    );
  }
  gitOut(root, "add", ".fleet");
  gitOut(root, "commit", "-q", "-m", "fleet setup");
  const paths = fleetPaths(root);
  return {
    root,
    dir,
    log,
    behave,
    logLines: () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : []),
    task: (id) => {
      const r = readTask(paths, id);
      if (!r?.ok) throw new Error(`task ${id} does not load: ${JSON.stringify(r)}`);
      return r.task.record;
    },
    runs: (id) => readRuns(paths, id),
  };
}

/** Writes an idea file by hand: frontmatter `fields` (YAML lines) and a heading. */
export function dropIdea(root: string, id: string, fields = "status: ready\n", title = `Idea ${id}`): void {
  writeFile(root, `.fleet/queue/${id}.md`, `---\n${fields}---\n# ${title}\n\nWhy we want ${id}.\n`);
}

/** A running `fleet <args>` daemon: its process, output so far, and how to wait for its exit. */
export interface Daemon {
  child: ChildProcess;
  out(): string;
  err(): string;
  exited: Promise<number | null>;
}

/** Starts `node dist/cli/main.js <args>` in `root` (default `watch`) with an isolated HOME. */
export function startFleet(root: string, args: string[] = ["watch"], env: NodeJS.ProcessEnv = {}): Daemon {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: root,
    env: { ...testEnv(tempDir("fleet-home-")), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  daemons.push(child);
  let out = "";
  let err = "";
  child.stdout?.on("data", (c: Buffer) => {
    out += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    err += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exited };
}

/**
 * Polls `check` every 100 ms until it returns true; fails with `what` (and `explain()`, to see the
 * state that never came right) after `timeoutMs`.
 */
export async function waitFor(
  what: string,
  check: () => boolean,
  timeoutMs = 45_000,
  explain: () => string = () => "",
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    let ok = false;
    try {
      ok = check();
    } catch {
      ok = false;
    }
    if (ok) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}\n${explain()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** True when process `pid` exists and is not a zombie (killed, waiting to be reaped). */
export function isAlive(pid: number): boolean {
  return isPidAlive(pid);
}

/** `phase / status` of task `id`. */
export function stateOf(f: E2EFleet, id: string): string {
  const t = f.task(id);
  return `${t.phase} / ${t.status}`;
}

/** Pids of `start` lines in the agent log (optionally for one task and phase). */
export function startedPids(f: E2EFleet, task?: string, phase?: string): number[] {
  return f
    .logLines()
    .map((l) => l.split(" "))
    .filter(([k, t, p]) => k === "start" && (!task || t === task) && (!phase || p === phase))
    .map((parts) => Number(parts[3]));
}

/** Marks a file under `dir` as existing (e.g. a barrier). */
export function touch(file: string): void {
  appendFileSync(file, "");
}
