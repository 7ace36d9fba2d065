/**
 * `fleet doctor`: validates every file under `.fleet/` and the references between them, and reports
 * every problem at once with file, field, what is wrong and how to fix it. It never writes.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { isErrnoError } from "../errors.js";
import { indexLockPath, staleIndexLock } from "../git/index-lock.js";
import { gitText } from "../git/run-git.js";
import { workTreeDrift } from "../git/work-tree-drift.js";
import { probeSandbox } from "../sandbox/index.js";
import { isValidId } from "../store/ids.js";
import { childrenDir, type FleetPaths, relativeToRoot } from "../store/paths.js";
import { readChildren } from "../store/read-children.js";
import type { Problem } from "../store/read-file.js";
import { readAgents, readConfig, readGates, readResearch, readRuns } from "../store/read-records.js";
import { type LoadedTask, readTasks } from "../store/read-tasks.js";
import { readApprovalInputs } from "./approval-inputs.js";
import {
  checkCycles,
  checkDefinitions,
  checkSetupLock,
  checkTaskReferences,
  type DoctorProblem,
} from "./doctor-checks.js";
import type { DeepReport } from "./doctor-deep.js";
import { locateFleet } from "./locate.js";

/** Options of {@link doctor}. */
export interface DoctorOptions {
  cwd: string;
  /** Also run {@link deepCheck}: setup and the gates in a clean checkout of the base tip, agents' CLIs and env. */
  deep?: boolean;
  /** Where agent CLIs are looked up and gates take their environment from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Told when each deep step starts (progress). */
  onStep?: (step: string) => void;
}

/**
 * Every problem found (sorted by file, then field), how many files `.fleet/` holds, and warnings:
 * where the work tree parts from what the daemon uses (HEAD off `base`, uncommitted definitions) —
 * worth knowing, but not wrong in itself, so they do not make `ok` false.
 */
export interface DoctorResult {
  ok: boolean;
  files: number;
  problems: DoctorProblem[];
  warnings: DoctorProblem[];
  /** With `deep`: what ran in the clean checkout (null when the files have problems, so it did not run). */
  deep?: DeepReport | null;
}

/** A store problem, with the generic fix: edit that field (or file) and run doctor again. */
function withFix(p: Problem): DoctorProblem {
  const fix = p.field
    ? `Edit \`${p.field}\` in ${p.file}, then run \`fleet doctor\` again.`
    : `Edit ${p.file}, then run \`fleet doctor\` again.`;
  return { ...p, fix };
}

/** Entries of `dir` ([] when missing), sorted. */
function entries(dir: string): import("node:fs").Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  } catch (err) {
    if (isErrnoError(err, "ENOENT") || isErrnoError(err, "ENOTDIR")) return [];
    throw err;
  }
}

/** How many files (not dotfiles) are under `dir`, recursively. */
function countFiles(dir: string): number {
  let n = 0;
  for (const e of entries(dir)) {
    if (e.name.startsWith(".")) continue;
    if (e.isDirectory()) n += countFiles(path.join(dir, e.name));
    else n++;
  }
  return n;
}

/** Reads one per-task folder (`research`, `plans`, `acceptance`): names, stray files, orphans. */
function scanTaskFolder(
  paths: FleetPaths,
  dir: string,
  tasks: ReadonlyMap<string, LoadedTask>,
  out: DoctorProblem[],
  allowDirs: boolean,
): string[] {
  const ids: string[] = [];
  for (const e of entries(dir)) {
    if (e.name.startsWith(".")) continue;
    const file = relativeToRoot(paths.root, path.join(dir, e.name));
    const isDir = e.isDirectory();
    if (isDir && !allowDirs) {
      out.push({
        file,
        field: null,
        message: "is a folder; only <task-id>.md files belong here",
        fix: "Move it out of .fleet/.",
      });
      continue;
    }
    if (!isDir && !e.name.endsWith(".md")) {
      out.push({
        file,
        field: null,
        message: "is not a .md file and is ignored",
        fix: "Rename it to <task-id>.md or move it out of .fleet/.",
      });
      continue;
    }
    const id = isDir ? e.name : e.name.slice(0, -3);
    if (!isValidId(id)) {
      out.push({
        file,
        field: null,
        message: `"${id}" is not a valid task id, so this is never read`,
        fix: "Rename it after its task's id.",
      });
      continue;
    }
    if (!tasks.has(id)) {
      out.push({
        file,
        field: null,
        message: `belongs to task ${id}, but .fleet/queue/${id}.md is missing or invalid`,
        fix: `Restore .fleet/queue/${id}.md, or delete this file.`,
      });
    }
    if (!isDir) ids.push(id);
  }
  return ids;
}

/** The work tree parting from what the daemon uses: HEAD off `base`, uncommitted definitions. */
function driftProblems(paths: FleetPaths, base: string): DoctorProblem[] {
  const drift = workTreeDrift(paths.root, base);
  const out: DoctorProblem[] = [];
  if (drift.head !== base)
    out.push({
      file: relativeToRoot(paths.root, paths.config),
      field: "base",
      message: `HEAD is on ${drift.head ? `branch ${drift.head}` : "a detached commit"}, not on the base branch ${base}: the daemon works on ${base} and ships to it, so this work tree does not show its state`,
      fix: `Run \`git switch ${base}\`, or set \`base:\` in config.md to the branch you mean and commit it.`,
    });
  for (const file of drift.changed)
    out.push({
      file,
      field: null,
      message: `differs from ${base} (${(drift.tip ?? "").slice(0, 12)}): the daemon reads config, agents and gates from ${base}'s tip, so this edit does not apply until it is committed there`,
      fix: `Commit it on ${base} (\`git add ${file} && git commit\`), or drop the edit (\`git checkout ${base} -- ${file}\`).`,
    });
  return out;
}

/**
 * Checks the `.fleet/` of the repository containing `opts.cwd`.
 * @throws FleetError not-found / not-initialized only; every problem in the files is in the result.
 */
export async function doctor(opts: DoctorOptions): Promise<DoctorResult> {
  const { paths, commonDir } = locateFleet(opts.cwd);
  const store: Problem[] = [];
  const out: DoctorProblem[] = [];
  const configFile = relativeToRoot(paths.root, paths.config);
  const config = readConfig(paths, store);
  const agents = readAgents(paths, store);
  const gates = readGates(paths, store);
  for (const [kind, dir] of [
    ["agent", paths.agents],
    ["gate", paths.gates],
  ] as const) {
    for (const e of entries(dir)) {
      if (e.name.startsWith(".")) continue;
      const file = relativeToRoot(paths.root, path.join(dir, e.name));
      if (!e.name.endsWith(".md"))
        out.push({
          file,
          field: null,
          message: "is not a .md file and is ignored",
          fix: `Rename it to <${kind}-name>.md or move it out of .fleet/.`,
        });
      else if (!isValidId(e.name.slice(0, -3)))
        out.push({
          file,
          field: null,
          message: `"${e.name.slice(0, -3)}" is not a valid ${kind} name`,
          fix: "Rename it to lowercase letters, digits and dashes.",
        });
    }
  }
  const configBroken = store.some((p) => p.file === configFile);
  if (!configBroken) {
    out.push(...checkDefinitions(config, configFile, new Set(agents.keys()), gates));
    if (config.setup) {
      const locks = [
        "package-lock.json",
        "npm-shrinkwrap.json",
        "pnpm-lock.yaml",
        "yarn.lock",
        "bun.lock",
        "bun.lockb",
      ];
      const listed = await gitText(["ls-files", "-z", "--", ...locks], { cwd: paths.root });
      out.push(...checkSetupLock(config.setup, new Set(listed.split("\0").filter(Boolean)), configFile));
    }
    if (config.sandbox === "bwrap") {
      const probe = probeSandbox(opts.env ?? process.env);
      if (!probe.ok) out.push({ file: configFile, field: "sandbox", message: probe.reason, fix: probe.fix });
    }
  }

  const { tasks, problems: taskProblems } = readTasks(paths);
  store.push(...taskProblems);
  for (const e of entries(paths.queue)) {
    if (e.name.startsWith(".") || e.name.endsWith(".md")) continue;
    const file = relativeToRoot(paths.root, path.join(paths.queue, e.name));
    out.push({
      file,
      field: null,
      message: "is not a .md file, so it is not read as a task",
      fix: "Rename it to <task-id>.md (e.g. my-idea.md).",
    });
  }
  out.push(...checkTaskReferences(tasks), ...checkCycles(tasks));

  for (const id of scanTaskFolder(paths, paths.research, tasks, out, false)) {
    const r = readResearch(paths, id, store);
    if (r && r.record.task !== id)
      out.push({
        file: r.file,
        field: "task",
        message: `is "${r.record.task}" but the file is named ${id}.md`,
        fix: `Set task: ${id}.`,
      });
  }
  // plans/<id>/ holds the child tasks a fanned-out plan proposes.
  const planIds = [...new Set(scanTaskFolder(paths, paths.plans, tasks, out, true))];
  scanTaskFolder(paths, paths.acceptance, tasks, out, true);
  for (const id of planIds) {
    const inputs = readApprovalInputs(paths, id);
    store.push(...inputs.problems.filter((p) => p.file.startsWith(".fleet/plans/")));
    const kids = childrenDir(paths, id);
    const children = readChildren(kids, relativeToRoot(paths.root, kids));
    if (!children.ok) store.push(...children.problems);
    const plan = inputs.plan;
    if (!plan) continue;
    if (plan.record.task !== id)
      out.push({
        file: plan.file,
        field: "task",
        message: `is "${plan.record.task}" but the file is named ${id}.md`,
        fix: `Set task: ${id}.`,
      });
    const task = tasks.get(id)?.record;
    const live = task && task.phase !== "done" && task.phase !== "dropped";
    if (live && plan.record.approval && plan.record.approval.sha256 !== inputs.sha256) {
      out.push({
        file: plan.file,
        field: "approval",
        message: `the plan or its acceptance changed after ${plan.record.approval.by} approved it (${plan.record.approval.at}), so the approval no longer holds`,
        fix: `Review what changed (\`git diff HEAD -- .fleet/plans/${id}.md .fleet/acceptance/\`; \`git log -p\` for committed changes), then run \`fleet approve ${id}\` again or restore the approved content.`,
      });
    }
  }
  for (const id of scanTaskFolder(paths, paths.acceptance, new Map(), [], true)) {
    const inputs = readApprovalInputs(paths, id);
    store.push(...inputs.problems.filter((p) => p.file.startsWith(".fleet/acceptance/")));
  }
  for (const e of entries(paths.runs)) {
    if (e.name.startsWith(".")) continue;
    const file = relativeToRoot(paths.root, path.join(paths.runs, e.name));
    if (!e.isDirectory() || !isValidId(e.name)) {
      out.push({
        file,
        field: null,
        message: "is not a runs/<task-id>/ folder",
        fix: "Move it out of .fleet/runs/.",
      });
      continue;
    }
    if (!tasks.has(e.name))
      out.push({
        file,
        field: null,
        message: `holds runs of task ${e.name}, but .fleet/queue/${e.name}.md is missing or invalid`,
        fix: `Restore .fleet/queue/${e.name}.md, or delete this folder.`,
      });
    for (const run of readRuns(paths, e.name, store)) {
      const expected = `${String(run.record.seq).padStart(3, "0")}-${run.record.phase}.md`;
      if (run.record.task !== e.name)
        out.push({
          file: run.file,
          field: "task",
          message: `is "${run.record.task}" but the run is filed under ${e.name}/`,
          fix: `Set task: ${e.name}.`,
        });
      if (path.posix.basename(run.file) !== expected)
        out.push({
          file: run.file,
          field: "seq",
          message: `seq ${run.record.seq} and phase ${run.record.phase} say this file should be named ${expected}`,
          fix: `Rename the file to ${expected} or fix seq/phase.`,
        });
    }
  }
  const lock = staleIndexLock(await indexLockPath({ root: paths.root, commonDir }), Date.now());
  if (lock)
    out.push({
      file: relativeToRoot(paths.root, lock.path),
      field: null,
      message: `is ${Math.round(lock.ageMs / 60_000)} min old: a git command that was killed left it, and git writes no index until it is gone`,
      fix: `If no git command is running in this repository, remove it: rm '${lock.path}'.`,
    });
  let deep: DeepReport | null = null;
  // The deep check needs config, agent and gate files that read; other problems do not stop it.
  const definitionsBroken = [...store, ...out].some(
    (p) =>
      (p.file.startsWith(".fleet/config") && p.field !== "setup") ||
      p.file.startsWith(".fleet/gates") ||
      p.file.startsWith(".fleet/agents"),
  );
  if (opts.deep && !definitionsBroken) {
    // Loaded only for --deep: plain `fleet doctor` does not load the gate runners and execa.
    const { deepCheck } = await import("./doctor-deep.js");
    deep = await deepCheck({
      repo: { root: paths.root, commonDir },
      paths,
      env: opts.env ?? process.env,
      onStep: opts.onStep,
    });
    out.push(...deep.problems);
  }
  const problems = [...store.map(withFix), ...out].sort((a, b) =>
    a.file < b.file
      ? -1
      : a.file > b.file
        ? 1
        : (a.field ?? "") < (b.field ?? "")
          ? -1
          : (a.field ?? "") > (b.field ?? "")
            ? 1
            : 0,
  );
  const warnings = driftProblems(paths, config.base);
  return {
    ok: problems.length === 0,
    files: countFiles(paths.fleet),
    problems,
    warnings,
    ...(opts.deep ? { deep } : {}),
  };
}
