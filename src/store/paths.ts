/**
 * Where things live. Committed state is under `<root>/.fleet/`; runtime state that must never be
 * committed (locks, worktrees, logs, the daemon's lease, caches) is under
 * `$(git rev-parse --git-common-dir)/fleet/`, shared by every worktree of the clone (design.md §1).
 * Every path built from an id goes through `assertValidId` first.
 */
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { assertValidId } from "./ids.js";

/** Names of the folders under `.fleet/`. */
export const FLEET_DIR = ".fleet";

/** Paths of one repository's committed `.fleet/` store. All absolute. */
export interface FleetPaths {
  /** The work tree root (where `.fleet/` is). */
  root: string;
  fleet: string;
  config: string;
  agents: string;
  gates: string;
  queue: string;
  research: string;
  plans: string;
  acceptance: string;
  runs: string;
}

/** The `.fleet/` layout under work tree `root`. */
export function fleetPaths(root: string): FleetPaths {
  const fleet = path.join(root, FLEET_DIR);
  return {
    root,
    fleet,
    config: path.join(fleet, "config.md"),
    agents: path.join(fleet, "agents"),
    gates: path.join(fleet, "gates"),
    queue: path.join(fleet, "queue"),
    research: path.join(fleet, "research"),
    plans: path.join(fleet, "plans"),
    acceptance: path.join(fleet, "acceptance"),
    runs: path.join(fleet, "runs"),
  };
}

/** `.fleet/queue/<id>.md` */
export function taskPath(p: FleetPaths, id: string): string {
  return path.join(p.queue, `${assertValidId(id)}.md`);
}
/** `.fleet/research/<id>.md` */
export function researchPath(p: FleetPaths, id: string): string {
  return path.join(p.research, `${assertValidId(id)}.md`);
}
/** `.fleet/plans/<id>.md` */
export function planPath(p: FleetPaths, id: string): string {
  return path.join(p.plans, `${assertValidId(id)}.md`);
}
/** `.fleet/acceptance/<id>.md` */
export function acceptancePath(p: FleetPaths, id: string): string {
  return path.join(p.acceptance, `${assertValidId(id)}.md`);
}
/** `.fleet/acceptance/<id>/` — files the acceptance checks need. */
export function acceptanceFilesDir(p: FleetPaths, id: string): string {
  return path.join(p.acceptance, assertValidId(id));
}
/**
 * `.fleet/plans/<id>/children/` — child tasks a fanned-out plan proposes (`<slug>.md` each); covered by
 * the plan's approval, they become tasks of their own when it is approved.
 */
export function childrenDir(p: FleetPaths, id: string): string {
  return path.join(p.plans, assertValidId(id), "children");
}
/** `.fleet/runs/<id>/` */
export function runsDir(p: FleetPaths, id: string): string {
  return path.join(p.runs, assertValidId(id));
}
/** `.fleet/runs/<id>/<seq>-<phase>.md`, seq zero-padded to 3 digits so files sort in run order. */
export function runPath(p: FleetPaths, id: string, seq: number, phase: string): string {
  return path.join(runsDir(p, id), `${String(seq).padStart(3, "0")}-${phase}.md`);
}
/** `.fleet/agents/<name>.md` */
export function agentPath(p: FleetPaths, name: string): string {
  return path.join(p.agents, `${assertValidId(name, "agent name")}.md`);
}
/** `.fleet/gates/<name>.md` */
export function gatePath(p: FleetPaths, name: string): string {
  return path.join(p.gates, `${assertValidId(name, "gate name")}.md`);
}

/** Paths of the runtime state under the git common directory. All absolute. */
export interface RuntimePaths {
  /** `<git-common-dir>/fleet` */
  dir: string;
  locks: string;
  worktrees: string;
  logs: string;
  cache: string;
  /** The daemon's lease file (pid, host, started). */
  daemon: string;
  /**
   * Where agents work: research/plan checkouts, implement worktrees and FLEET_OUTPUT_DIRs. Outside the
   * git directory on purpose — Claude Code refuses to edit anything under a `.git` folder (it is a
   * "sensitive" path even when allowed) — and outside the work tree, so no project tool scans it:
   * `<tmpdir>/gitfleet-<uid>/<repo name>-<hash of the common dir>`. See {@link agentWorkDir}.
   */
  work: string;
}

/**
 * The agent work area of the clone whose git common directory is `gitCommonDir`: a folder under the
 * system temp directory, one per user and clone (named after the repository plus a hash of the
 * common dir's absolute path, so two clones never share it). Everything in it can be rebuilt from git.
 */
export function agentWorkDir(gitCommonDir: string): string {
  const abs = path.resolve(gitCommonDir);
  const hash = createHash("sha256").update(abs).digest("hex").slice(0, 12);
  const repo = path.basename(path.basename(abs) === ".git" ? path.dirname(abs) : abs);
  const name = repo.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 40) || "repo";
  const user =
    typeof process.getuid === "function" ? String(process.getuid()) : (process.env.USERNAME ?? "user");
  return path.join(tmpdir(), `gitfleet-${user}`, `${name}-${hash}`);
}

/** The runtime layout under `gitCommonDir` (absolute, from `git rev-parse --git-common-dir`). */
export function runtimePaths(gitCommonDir: string): RuntimePaths {
  const dir = path.join(gitCommonDir, "fleet");
  return {
    dir,
    locks: path.join(dir, "locks"),
    worktrees: path.join(dir, "worktrees"),
    logs: path.join(dir, "logs"),
    cache: path.join(dir, "cache"),
    daemon: path.join(dir, "daemon.json"),
    work: agentWorkDir(gitCommonDir),
  };
}

/** Path of `abs` relative to the work tree `root`, with forward slashes (for git pathspecs and output). */
export function relativeToRoot(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join("/");
}
