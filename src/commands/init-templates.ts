/**
 * The files `fleet init` writes, as commented text (not through the serializer, so every field can carry
 * a comment for the person reading it). Each template must validate against its schema; the tests check.
 */

/** What `fleet init` found out about the project. */
export interface ProjectFacts {
  /** The branch HEAD is on (or `main` on a detached HEAD). */
  base: string;
  /** `npm`, `pnpm`, `yarn` or `bun`, from the lock file; null without package.json. */
  packageManager: "npm" | "pnpm" | "yarn" | "bun" | null;
  /** The package.json scripts among `build`, `test`, `lint`, in that order. */
  scripts: string[];
  /** Installs dependencies in a fresh checkout, or null. */
  setup: string | null;
  /** The runner the agents use: the first agent CLI found (claude, codex, gemini, aider), else claude-code. */
  runner: RunnerName;
  /** Where that runner's CLI was found (absolute path), or null when it was not found. */
  runnerProgram: string | null;
  /** One line per choice made, with why ("setup: npm install — git tracks no lock file"). */
  choices: string[];
  /** What the person should fix or know, each with how ("package-lock.json is not tracked …"). */
  warnings: string[];
}

import type { RunnerName } from "../store/schemas/agent.js";

/** Gates run in each phase, from what exists: implement = scripts + acceptance; ship = test (or build) + acceptance. */
export function gatePlan(facts: ProjectFacts): { implement: string[]; ship: string[] } {
  const ship = facts.scripts.includes("test") ? ["test"] : facts.scripts.includes("build") ? ["build"] : [];
  return { implement: [...facts.scripts, "acceptance"], ship: [...ship, "acceptance"] };
}

/** A YAML scalar: plain when it is obviously safe, else double-quoted (JSON strings are valid YAML). */
function scalar(text: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9 ._/:=@+-]*$/.test(text) && !/: /.test(text) ? text : JSON.stringify(text);
}

const list = (items: readonly string[]) => `[${items.map(scalar).join(", ")}]`;

/** `.fleet/config.md` */
export function configTemplate(facts: ProjectFacts, remote: string | null = null): string {
  const gates = gatePlan(facts);
  return `---
# gitfleet settings for this repository (checked by \`fleet doctor\`).
# Every field has a default: delete a line to use it. Durations: 500ms, 30s, 5m, 2h.

# The branch finished work ships to.
base: ${scalar(facts.base)}
# How many agents run at once.
concurrency: 2
# Attempts per phase before a task is marked failed (\`fleet retry <id>\` gives it new ones).
max_attempts: 3
# How often the watcher re-reads all of .fleet/, even when no file event came (and, with a remote,
# fetches it).
rescan: 30s
# A git remote (\`git remote -v\`) whose base branch, fleet state and claims every machine shares;
# each machine runs \`fleet watch\` on its own clone. null = this clone only.
remote: ${remote ?? "null"}
# How long a claim on the remote holds without renewal (renewed every third of it).
lease: 60s
# Runs once in every fresh checkout the fleet makes (gates run in clean checkouts). null = nothing.
setup: ${facts.setup === null ? "null" : scalar(facts.setup)}

# Which agent (.fleet/agents/<name>.md) works in each phase.
agents:
  research: researcher
  plan: planner
  implement: implementer
  review: reviewer

# Which gates (.fleet/gates/<name>.md) must all pass, in this order. Gates, never agents, decide
# when work is done. Add a gate with \`kind: agent\` (e.g. the reviewer) for a skeptical second look.
gates:
  implement: ${list(gates.implement)}
  ship: ${list(gates.ship)}

review:
  # Who approves plans: \`person\` (you, with \`fleet approve <id>\`) or \`auto\` (no approval step).
  plan: person
  # Hold a change for \`fleet approve <id>\` before it ships when it changes more than
  # \`files_over\` files or touches one of \`paths\` (globs). null / [] = never hold.
  ship:
    files_over: null
    paths: []

# A change that touches these paths (globs) is rejected, like a change to .fleet/ itself.
protected: [".github/**"]

# Spending limits in US dollars; null = no limit.
budgets:
  per_attempt_usd: null
  per_task_usd: null
  per_day_usd: null
---
# Notes for people

Anything below the frontmatter is free text: conventions, who reviews what, what the fleet must not touch.
The workflow: \`fleet idea "…"\` (or drop a markdown file into \`queue/\`), \`fleet ready <id>\`, review
the plan as a diff and \`fleet approve <id>\` or \`fleet reject <id> -m "…"\`, run \`fleet watch\`, and
read what happened with \`fleet log\` or \`git log\`.
`;
}

interface AgentSpec {
  timeout: string;
  role: string;
}

const AGENTS: Record<string, AgentSpec> = {
  researcher: {
    timeout: "20m",
    role: `You are the researcher. Read the task and the code (your checkout is read-only: changes are
thrown away) and write \`research.md\` into \`$FLEET_OUTPUT_DIR\`: the code and documents that
matter, how things work today, constraints and risks, and the options you see. Cite files and
lines. Do not plan or implement.

If the task is genuinely ambiguous, write \`question.md\` with one clear question instead of guessing.
`,
  },
  planner: {
    timeout: "20m",
    role: `You are the planner. From the task and the research, write into \`$FLEET_OUTPUT_DIR\`:

- \`plan.md\`: the change step by step — files to touch, approach, what is out of scope. A person
  reviews it as a diff before anything is implemented.
- \`acceptance.md\`: frontmatter \`checks:\`, a list of \`{ id, says, run }\` — executable commands that
  exit 0 only when the task is done. Put any files they need (e.g. a test) in the folder
  \`acceptance/\`. They are committed before implementation starts and cannot be changed by it.
  Name those files \`<name>.accept.mjs\` (never \`*.test.*\`, \`*.spec.*\` or a \`test/\` folder: the
  project's own test runner would pick them up) and run each by its path, e.g.
  \`node --test .fleet/acceptance/<task-id>/<name>.accept.mjs\`.

If the task is genuinely ambiguous, write \`question.md\` with one clear question instead of guessing.
`,
  },
  implementer: {
    timeout: "30m",
    role: `You are the implementer. Your working directory is the task's own git worktree. Make the change
the approved plan describes, with tests, and commit it. Do not touch \`.fleet/\`, the acceptance
files or protected paths: such a change is rejected. You do not decide that the work is done —
the gates (build, tests, acceptance checks) do; when one fails you get its output and try again.

If you meet real ambiguity, write \`question.md\` into \`$FLEET_OUTPUT_DIR\` instead of guessing.
`,
  },
  reviewer: {
    timeout: "15m",
    role: `You are a skeptical reviewer. Read the task, the plan and the diff of the candidate change.
Look for bugs, missing tests, changes outside the plan's scope and shortcuts that make checks
pass without doing the work. Write \`review.md\` into \`$FLEET_OUTPUT_DIR\` with frontmatter
\`verdict: approve\` or \`verdict: changes\`, and in the body the concrete changes you require.
`,
  },
};

/** Names of the default agents, in the order `fleet init` reports them. */
export const DEFAULT_AGENTS = Object.keys(AGENTS);

/** The variables each CLI runner needs for its API key. */
const RUNNER_ENV: Partial<Record<RunnerName, string[]>> = {
  "claude-code": ["ANTHROPIC_API_KEY"],
  codex: ["OPENAI_API_KEY"],
  gemini: ["GEMINI_API_KEY"],
  aider: ["ANTHROPIC_API_KEY", "OPENAI_API_KEY"],
};

/** `.fleet/agents/<name>.md` for one of {@link DEFAULT_AGENTS}, run by `runner` (default claude-code). */
export function agentTemplate(name: string, runner: RunnerName = "claude-code"): string {
  const spec = AGENTS[name];
  if (!spec) throw new Error(`no agent template ${name}`);
  const env = RUNNER_ENV[runner] ?? [];
  return `---
# How to run this agent (.fleet/config.md \`agents:\` says which phase uses it).
# runner: claude-code | codex | gemini | aider | command | script
# Hint: \`runner: script\` is built in and runs without a model — good for trying gitfleet out.
runner: ${runner}
# The model to ask for; null = the runner's default.
model: null
# Wall-clock limit per attempt, and how long without output counts as hung.
timeout: ${spec.timeout}
idle_timeout: 5m
# Environment variables passed to the agent, besides PATH, HOME and LANG. Nothing else is.
env: [${env.join(", ")}]
---
${spec.role}`;
}

/** `.fleet/gates/<script>.md`: a command gate running one package.json script. */
export function commandGateTemplate(script: string, facts: ProjectFacts): string {
  const pm = facts.packageManager ?? "npm";
  return `---
# A command gate passes when \`run\` exits 0. It runs in a clean checkout of the candidate commit
# (after \`setup\` from config.md), never in the agent's worktree.
kind: command
run: ${scalar(`${pm} run ${script}`)}
# Longest it may take.
timeout: 10m
---
Runs the project's \`${script}\` script (found in package.json by \`fleet init\`).
`;
}

/** `.fleet/gates/acceptance.md` */
export function acceptanceGateTemplate(): string {
  return `---
# Runs every check of .fleet/acceptance/<task>.md; all must exit 0. The checks and their files are
# taken from the base commit, so the agent being checked cannot change them.
kind: acceptance
timeout: 10m
---
The task's own acceptance checks, written in the plan phase and approved with the plan.
`;
}
