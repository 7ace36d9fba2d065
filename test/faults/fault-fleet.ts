/**
 * The fault suite's fixture and checker. A fault fleet is the e2e fleet (command agents played by a
 * node script that writes `<task>.txt` in implement) with plans approved automatically and no gates,
 * so a drain goes from idea to shipped without a person; the person has work of their own in the
 * clone (a staged edit, an unstaged edit, an untracked file) that must come through every fault.
 *
 * {@link checkFleet} asserts, after a case: every task terminal or runnable, each shipped change on
 * the base exactly once, epochs never going back, `git fsck` and `fleet doctor` clean, nothing left
 * running, no worktrees or locks left, and the person's work tree and index exactly as they left them
 * plus what shipped.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { readClaims } from "../../src/coordinator/claims.js";
import { fleetPaths, runtimePaths } from "../../src/store/paths.js";
import { readRuns } from "../../src/store/read-records.js";
import { readTasks } from "../../src/store/read-tasks.js";
import { dropIdea, type E2EFleet, e2eFleet, isAlive, startedPids } from "../e2e/daemon-helpers.js";
import { CLI } from "../helpers/run-fleet.js";
import { gitOut, tempDir, testEnv, writeFile } from "../helpers/temp-repo.js";

/** A fault fleet: the e2e fleet plus the person's own uncommitted work, recorded to check later. */
export interface FaultFleet extends E2EFleet {
  ids: string[];
  /** `git status --porcelain` of the person's work before any fault. */
  personStatus: string;
  /** The person's staged blob of `notes.txt`. */
  personStaged: string;
}

/** A fleet with `n` ready ideas `t1…tn` and the person's work in progress. */
export function faultFleet(n: number, config = "concurrency: 2\n"): FaultFleet {
  const f = e2eFleet(`${config}review: { plan: auto }\nmax_attempts: 5\n`);
  writeFile(f.root, "notes.txt", "n1\n");
  writeFile(f.root, ".fleet/agents/reviewer.md", "---\nrunner: script\n---\nYou review.\n");
  gitOut(f.root, "add", "notes.txt", ".fleet");
  gitOut(f.root, "commit", "-q", "-m", "notes");
  const ids = Array.from({ length: n }, (_, i) => `t${i + 1}`);
  for (const id of ids) dropIdea(f.root, id);
  if (n > 0) {
    gitOut(f.root, "add", ".fleet");
    gitOut(f.root, "commit", "-q", "-m", "ideas");
  }
  // The person's work in progress: staged, unstaged and untracked.
  writeFile(f.root, "notes.txt", "n2, staged by Ada\n");
  gitOut(f.root, "add", "notes.txt");
  writeFile(f.root, "README.md", "# sample, being edited by Ada\n");
  writeFile(f.root, "scratch.txt", "Ada's scratch\n");
  return {
    ...f,
    ids,
    personStatus: gitOut(f.root, "status", "--porcelain"),
    personStaged: gitOut(f.root, "rev-parse", ":notes.txt"),
  };
}

/** One `fleet` process: how it ended (code, or the signal that ended it) and what it printed. */
export interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
  ms: number;
}

/** A started `fleet` process. */
export interface Running {
  child: ChildProcess;
  out(): string;
  ended: Promise<Ended>;
}

/** Starts `fleet <args>` in `root` (default `run --until-idle`), with `env` added. */
export function startRun(
  root: string,
  env: NodeJS.ProcessEnv = {},
  args: string[] = ["run", "--until-idle"],
): Running {
  const t0 = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: root,
    env: { ...testEnv(tempDir("fleet-home-")), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (c: Buffer) => {
    out += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    err += c.toString();
  });
  const ended = new Promise<Ended>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal, out, err, ms: Date.now() - t0 })),
  );
  return { child, out: () => out, ended };
}

/** Runs `fleet run --until-idle` to its end (at most `timeoutMs`). */
export async function runOnce(root: string, env: NodeJS.ProcessEnv = {}, timeoutMs = 90_000): Promise<Ended> {
  const r = startRun(root, env);
  const timer = setTimeout(() => r.child.kill("SIGKILL"), timeoutMs);
  const end = await r.ended;
  clearTimeout(timer);
  return end;
}

/** Drains the fleet: `fleet run --until-idle` until every task is done (at most `rounds` runs). */
export async function drainAll(f: FaultFleet, rounds = 6): Promise<Ended[]> {
  const runs: Ended[] = [];
  for (let i = 0; i < rounds; i++) {
    const end = await runOnce(f.root);
    runs.push(end);
    if (end.code !== 0) continue;
    if (f.ids.every((id) => f.task(id).phase === "done")) return runs;
  }
  const states = f.ids.map((id) => `${id}: ${f.task(id).phase} / ${f.task(id).status}`).join(", ");
  throw new Error(
    `not drained after ${rounds} runs: ${states}\n${runs.map((r) => `exit ${r.code}/${r.signal}\n${r.out}\n${r.err}`).join("\n---\n")}`,
  );
}

/** What {@link checkFleet} is told about the case. */
export interface CheckOptions {
  /** Every task must be `done` (default true); otherwise only terminal or runnable. */
  allDone?: boolean;
  /** Paths outside `.fleet/` shipped changes may add, beside `<id>.txt` (default none). */
  extraShipped?: string[];
}

const TERMINAL_OR_RUNNABLE = new Set(["ready", "awaiting-approval", "blocked", "failed", "draft"]);

/** The invariants of the module comment; fails the test with what broke. */
export function checkFleet(f: FaultFleet, opts: CheckOptions = {}): void {
  const { root } = f;
  const paths = fleetPaths(root);
  const tasks = readTasks(paths);
  expect(tasks.problems, "task files that do not load").toEqual([]);
  for (const id of f.ids) {
    const t = tasks.tasks.get(id)?.record;
    expect(t, `task ${id} is lost`).toBeDefined();
    if (!t) continue;
    if (opts.allDone ?? true) expect(`${id}: ${t.phase} / ${t.status}`).toBe(`${id}: done / ready`);
    else expect(TERMINAL_OR_RUNNABLE.has(t.status), `${id} is ${t.phase} / ${t.status}`).toBe(true);
    // Each shipped change is on the base exactly once: one commit adds <id>.txt, and it is shipped.commit.
    if (t.phase === "done") {
      const adds = gitOut(root, "log", "--format=%H", "--diff-filter=A", "main", "--", `${id}.txt`)
        .split("\n")
        .filter(Boolean);
      expect(adds, `${id}.txt added on main`).toHaveLength(1);
      expect(adds[0]).toBe(t.shipped?.commit);
    }
    // Epochs never go back: run records in order carry non-decreasing epochs, and the claim is at least the last.
    const epochs = readRuns(paths, id).map((r) => r.record.epoch);
    expect(epochs, `${id} epochs`).toEqual([...epochs].sort((a, b) => a - b));
    expect(new Set(epochs).size, `${id} epochs reused`).toBe(epochs.length);
    const claim = readClaims(path.join(root, ".git")).get(id);
    if (epochs.length > 0) expect(claim?.epoch ?? 0).toBeGreaterThanOrEqual(Math.max(...epochs));
    expect(claim?.active ?? false, `${id} claim left active`).toBe(false);
  }
  expect(
    f.logLines().filter((l) => l.startsWith("OVERLAP")),
    "a task ran twice at once",
  ).toEqual([]);

  const fsck = spawnSync("git", ["fsck", "--no-progress", "--no-dangling"], { cwd: root, encoding: "utf8" });
  expect(fsck.status, `git fsck: ${fsck.stdout}${fsck.stderr}`).toBe(0);
  const doctor = spawnSync(process.execPath, [CLI, "doctor"], {
    cwd: root,
    env: testEnv(tempDir("fleet-home-")),
    encoding: "utf8",
  });
  expect(doctor.status, `fleet doctor: ${doctor.stdout}${doctor.stderr}`).toBe(0);

  // Nothing left running: no agent, and no daemon holding the lease.
  // (Pids are reused on a busy machine: a live pid counts only if it is still our agent.)
  const ours = (pid: number, marker: string) => {
    try {
      return isAlive(pid) && readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker);
    } catch {
      return false;
    }
  };
  for (const pid of startedPids(f)) expect(ours(pid, f.dir), `agent ${pid} still runs`).toBe(false);
  const rt = runtimePaths(path.join(root, ".git"));
  const lease = path.join(rt.dir, "daemon.json");
  if (existsSync(lease)) {
    const holder = JSON.parse(readFileSync(lease, "utf8")) as { pid: number };
    expect(ours(holder.pid, "main.js"), `daemon ${holder.pid} still runs`).toBe(false);
  }
  // No worktrees, locks or journals left.
  // Only the pooled read-only checkouts of research and plan stay (detached, reused by design).
  for (const w of gitOut(root, "worktree", "list", "--porcelain").split("\n\n")) {
    const dir = /^worktree (.*)$/m.exec(w)?.[1] ?? "";
    if (dir === root) continue;
    expect(w.includes("\ndetached") && /\/checkouts\/slot-\d+$/.test(dir), `worktree left: ${w}`).toBe(true);
  }
  const done = f.ids.filter((id) => tasks.tasks.get(id)?.record.phase === "done");
  const branches = gitOut(root, "branch", "--list", "fleet/*", "--format=%(refname:short)").split("\n");
  for (const id of done) expect(branches, `branch of shipped ${id} left`).not.toContain(`fleet/${id}`);
  const gitLocks = spawnSync(
    "find",
    [path.join(root, ".git"), "-name", "*.lock", "-not", "-path", "*/fleet/*"],
    {
      encoding: "utf8",
    },
  ).stdout.trim();
  expect(gitLocks, "git locks left").toBe("");
  const fleetLocks = existsSync(rt.locks) ? readdirSync(rt.locks).filter((n) => n.endsWith(".lock")) : [];
  expect(fleetLocks, "fleet locks left").toEqual([]);
  const landing = path.join(rt.dir, "landing");
  expect(existsSync(landing) ? readdirSync(landing) : [], "landing journals left").toEqual([]);
  expect(existsSync(path.join(rt.dir, "ship-follow.json")), "a work-tree follow left pending").toBe(false);

  // The person's work tree and index: exactly as they left them, plus what shipped.
  expect(gitOut(root, "status", "--porcelain"), "the person's git status").toBe(f.personStatus);
  expect(gitOut(root, "rev-parse", ":notes.txt"), "the person's staged notes.txt").toBe(f.personStaged);
  expect(readFileSync(path.join(root, "README.md"), "utf8")).toBe("# sample, being edited by Ada\n");
  expect(readFileSync(path.join(root, "scratch.txt"), "utf8")).toBe("Ada's scratch\n");
  for (const id of f.ids) {
    if (tasks.tasks.get(id)?.record.phase !== "done") continue;
    expect(readFileSync(path.join(root, `${id}.txt`), "utf8")).toBe("made by the implementer\n");
  }
}
