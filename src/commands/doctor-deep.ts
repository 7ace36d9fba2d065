/**
 * `fleet doctor --deep`: what the file checks cannot see, found before any agent runs. In a clean
 * checkout of the base branch's tip — what every fleet checkout starts from — `setup` runs and every
 * command and health gate of config.md runs with no change at all: a gate red there would fail every
 * attempt of every task (a lock file git does not track, a test that depends on the terminal, a
 * dependency only your clone has). An acceptance file is planted first, and a gate that loads it is
 * reported: the project's own test runner would pick up every task's acceptance files. Every agent's
 * CLI is looked up where its runs will look (PATH, then the project's `node_modules/.bin`) and every
 * variable its `env:` names must be set. Writes only under the git directory (checkout, logs).
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { findProgram, RUNNER_PROGRAMS, withProjectBin } from "../agents/find-program.js";
import { createCheckout, removeCheckout, resolveCommit, runSetup } from "../gates/checkout.js";
import { relevantLines } from "../gates/feedback.js";
import { gateNetwork, gateSpec } from "../gates/run-gates.js";
import { gateEnv, type ShellResult, succeeded } from "../gates/shell.js";
import type { GateOutcome } from "../gates/types.js";
import type { Repo } from "../git/repo.js";
import { sandboxForRepo } from "../sandbox/index.js";
import { agentPath, type FleetPaths, gatePath, relativeToRoot, runtimePaths } from "../store/paths.js";
import { readAgents, readConfig, readGates } from "../store/read-records.js";
import type { Gate } from "../store/schemas/gate.js";
import type { DoctorProblem } from "./doctor-checks.js";

/** One step of the deep check: setup, a gate, or an agent's CLI. */
export interface DeepStep {
  /** `setup`, `gate <name>`, `agent <name>`. */
  step: string;
  verdict: "pass" | "fail" | "skipped";
  /** What ran or was looked for (a command line, a program path). */
  what: string;
  /** Wall time, ms (0 for look-ups). */
  durationMs: number;
  /** The full output, absolute path under the git directory, or null. */
  log: string | null;
}

/** What {@link deepCheck} found. */
export interface DeepReport {
  /** The commit checked out (the base branch's tip), or null when there is none. */
  commit: string | null;
  steps: DeepStep[];
  problems: DoctorProblem[];
}

/** The task id the deep check's checkout and logs are filed under. */
const DOCTOR_ID = "fleet-doctor";
/** Where the planted acceptance file goes, inside the checkout. */
const PROBE_REL = `.fleet/acceptance/${DOCTOR_ID}/probe.accept.mjs`;
/** Setup gets as long as the gates' runs give it. */
const SETUP_TIMEOUT_MS = 30 * 60_000;

/** The options of {@link deepCheck}. */
export interface DeepOptions {
  repo: Repo;
  paths: FleetPaths;
  /** The environment gates and agents would get theirs from (the daemon's, i.e. this shell's). */
  env: NodeJS.ProcessEnv;
  /** Told when each step starts, for progress lines. */
  onStep?: (step: string) => void;
  signal?: AbortSignal;
}

function probeText(marker: string): string {
  return `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(marker)}, "loaded\\n");\n`;
}

/** The lines of `output` that say why (from the first that looks like a failure), at most 12. */
function excerpt(output: string): string {
  const text = relevantLines(output, 12);
  return text.length > 1500 ? `${text.slice(0, 1500)}…` : text || "(no output)";
}

function why(r: ShellResult, timeoutMs: number): string {
  if (r.timedOut) return `timed out after ${Math.round(timeoutMs / 1000)} s`;
  if (r.spawnError) return `could not start (${r.spawnError})`;
  return r.exitCode === null ? `was killed (${r.signal})` : `exited ${r.exitCode}`;
}

/** Runs the deep checks (see the module comment). Never throws for what it finds; git failures throw. */
export async function deepCheck(opts: DeepOptions): Promise<DeepReport> {
  const { repo, paths, env } = opts;
  const config = readConfig(paths);
  const configFile = relativeToRoot(paths.root, paths.config);
  const steps: DeepStep[] = [];
  const problems: DoctorProblem[] = [];
  problems.push(...checkAgents(paths, env, steps));

  let commit: string | null = null;
  try {
    commit = await resolveCommit(paths.root, `refs/heads/${config.base}`);
  } catch {
    problems.push({
      file: configFile,
      field: "base",
      message: `the base branch "${config.base}" has no commit, so there is nothing to check out`,
      fix: `Commit on ${config.base} (or set \`base:\` to the branch work ships to), then run \`fleet doctor --deep\` again.`,
    });
    return { commit, steps, problems };
  }
  const logs = path.join(runtimePaths(repo.commonDir).logs, DOCTOR_ID);
  rmSync(logs, { recursive: true, force: true });
  mkdirSync(logs, { recursive: true });
  // The gates run as they do for a task: in the sandbox, which the doctor's own check of config.md
  // reports when it cannot be made.
  const policy = sandboxForRepo(repo, config.sandbox, env);
  if (policy.mode === "unavailable") {
    steps.push({ step: "sandbox", verdict: "skipped", what: policy.reason, durationMs: 0, log: null });
    return { commit, steps, problems };
  }
  const checkout = await createCheckout(repo, DOCTOR_ID, commit);
  // Inside the checkout: the only place a sandboxed gate can leave a mark the doctor can see.
  const marker = path.join(checkout.dir, ".fleet-doctor-probe-loaded");
  try {
    const shellEnv = gateEnv(env, { FLEET_TASK_ID: DOCTOR_ID });
    if (config.setup) {
      opts.onStep?.("setup");
      const log = path.join(logs, "setup.log");
      const r = await runSetup(checkout, config.setup, {
        env: shellEnv,
        logFile: log,
        timeoutMs: SETUP_TIMEOUT_MS,
        signal: opts.signal,
        sandbox: gateSpec(policy, repo, checkout.dir, "host"),
      });
      const ok = succeeded(r);
      steps.push({
        step: "setup",
        verdict: ok ? "pass" : "fail",
        what: config.setup,
        durationMs: r.durationMs,
        log,
      });
      if (!ok) {
        problems.push({
          file: configFile,
          field: "setup",
          message: `\`${config.setup}\` ${why(r, SETUP_TIMEOUT_MS)} in a clean checkout of ${config.base} (${commit.slice(0, 12)}), so every fleet checkout would fail the same way:\n${excerpt(r.output)}`,
          fix: `Read ${log}; a lock file git does not track (\`git ls-files\`) is the usual cause: commit it, or set \`setup:\` to a command that works from what git tracks (e.g. \`npm install\`).`,
        });
        return { commit, steps, problems };
      }
    }
    mkdirSync(path.join(checkout.dir, path.dirname(PROBE_REL)), { recursive: true });
    writeFileSync(path.join(checkout.dir, PROBE_REL), probeText(marker));
    const gates = readGates(paths);
    const names = [...new Set([...config.gates.implement, ...config.gates.ship])];
    for (const name of names) {
      const loaded = gates.get(name);
      const gate: Gate | undefined =
        loaded?.record ?? (name === "acceptance" ? { kind: "acceptance", timeout: 0, env: {} } : undefined);
      if (!gate) continue; // the file checks report a gate config.md names but that does not exist
      if (gate.kind === "acceptance" || gate.kind === "agent") {
        const reason =
          gate.kind === "acceptance"
            ? "acceptance checks belong to tasks"
            : "a reviewer needs a change to review";
        steps.push({ step: `gate ${name}`, verdict: "skipped", what: reason, durationMs: 0, log: null });
        continue;
      }
      opts.onStep?.(`gate ${name}`);
      const log = path.join(logs, `${name}.log`);
      const ctx = {
        repo,
        taskId: DOCTOR_ID,
        gateName: name,
        checkout,
        baseCommit: commit,
        fleetCommit: commit,
        env: shellEnv,
        logFile: log,
        signal: opts.signal,
        sandbox: gateSpec(policy, repo, checkout.dir, gateNetwork(gate)),
        policy,
      };
      const started = Date.now();
      const outcome: GateOutcome =
        gate.kind === "command"
          ? await (await import("../gates/command-gate.js")).runCommandGate(gate, ctx)
          : await (await import("../gates/health-gate.js")).runHealthGate(gate, ctx);
      const what = outcome.command ?? name;
      steps.push({
        step: `gate ${name}`,
        verdict: outcome.verdict === "pass" ? "pass" : "fail",
        what,
        durationMs: Date.now() - started,
        log,
      });
      const file = relativeToRoot(paths.root, gatePath(paths, name));
      const field = gate.kind === "command" ? "run" : "start";
      if (existsSync(marker)) {
        rmSync(marker, { force: true });
        problems.push({
          file,
          field,
          message: `\`${what}\` loaded ${PROBE_REL}, a file planted for this check${outcome.verdict === "pass" ? "" : " (and failed, perhaps because of it)"}: the project's test runner loads files under .fleet/acceptance/, so every task's acceptance tests (red until it ships) would run in your own \`${what}\` on ${config.base}`,
          fix: 'Make the test runner skip .fleet/: uvu: add `-i .fleet`; jest: `testPathIgnorePatterns: ["/node_modules/", "/.fleet/"]`; vitest: `exclude: [...configDefaults.exclude, ".fleet/**"]`; mocha: `ignore: [".fleet/**"]` in .mocharc; node --test: pass your test folders or globs instead of scanning `.`.',
        });
      } else if (outcome.verdict !== "pass")
        problems.push({
          file,
          field,
          message: `fails with no change at all, in a clean checkout of ${config.base} (${commit.slice(0, 12)})${outcome.exitCode === null ? "" : `: exit ${outcome.exitCode}`}, so it would fail every attempt of every task:\n${excerpt(outcome.output)}`,
          fix: `Read ${log} and make \`${what}\` pass on ${config.base} in a fresh clone (after \`${config.setup ?? "no setup"}\`): tests that need a terminal, colours, network or files git does not track are the usual causes.`,
        });
    }
  } finally {
    await removeCheckout(repo, checkout.dir);
  }
  return { commit, steps, problems };
}

/** How to install each runner's CLI, for the fix of a program not found. */
const INSTALL: Record<string, string> = {
  claude: "npm install -g @anthropic-ai/claude-code (or -D, in the project)",
  codex: "npm install -g @openai/codex",
  gemini: "npm install -g @google/gemini-cli",
  aider: "python -m pip install aider-install && aider-install",
};

/** Every agent config.md or a gate uses: its program is found, its `env:` variables are set. */
function checkAgents(paths: FleetPaths, env: NodeJS.ProcessEnv, steps: DeepStep[]): DoctorProblem[] {
  const config = readConfig(paths);
  const agents = readAgents(paths);
  const used = new Set<string>(Object.values(config.agents));
  for (const { record } of readGates(paths).values()) if (record.kind === "agent") used.add(record.agent);
  const problems: DoctorProblem[] = [];
  const searched = withProjectBin(env, paths.root);
  const unset = new Map<string, { file: string; field: string; agents: string[] }>();
  for (const name of [...used].sort()) {
    const agent = agents.get(name);
    if (!agent) continue; // the file checks report it
    const file = relativeToRoot(paths.root, agentPath(paths, name));
    const program = agent.record.command?.[0] ?? RUNNER_PROGRAMS[agent.record.runner];
    if (program) {
      const found = findProgram(program, searched, paths.root);
      steps.push({
        step: `agent ${name}`,
        verdict: found ? "pass" : "fail",
        what: found?.file ?? program,
        durationMs: 0,
        log: null,
      });
      if (!found)
        problems.push({
          file,
          field: agent.record.command ? "command" : "runner",
          message: `runner ${agent.record.runner} runs \`${program}\`, which is not on PATH nor in node_modules/.bin`,
          fix: INSTALL[program]
            ? `Install it: \`${INSTALL[program]}\`; or set \`command: ["/path/to/${program}"]\`.`
            : `Install ${program}, or fix \`command:\` in ${file}.`,
        });
    } else
      steps.push({
        step: `agent ${name}`,
        verdict: "pass",
        what: `runner ${agent.record.runner} (built in)`,
        durationMs: 0,
        log: null,
      });
    for (const [i, variable] of agent.record.env.entries()) {
      if (env[variable] !== undefined && env[variable] !== "") continue;
      const seen = unset.get(variable);
      if (seen) seen.agents.push(name);
      else unset.set(variable, { file, field: `env.${i}`, agents: [name] });
    }
  }
  for (const [variable, { file, field, agents: names }] of unset) {
    const who = names.length === 1 ? `agent ${names[0]}` : `agents ${names.join(", ")}`;
    problems.push({
      file,
      field,
      message: `${variable} is not set in this shell, and ${who} pass${names.length === 1 ? "es" : ""} it on (\`env:\`): without it the agent CLI cannot reach its model`,
      fix: `\`export ${variable}=…\` in the shell that runs \`fleet watch\`; or, if the CLI is logged in another way (e.g. \`claude\` → /login), remove ${variable} from \`env:\` in .fleet/agents/${names.length === 1 ? `${names[0]}.md` : "*.md"}.`,
    });
  }
  return problems;
}
