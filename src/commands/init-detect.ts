/**
 * What `fleet init` finds out about a project, and why it chose what it did. Everything comes from what
 * a fresh checkout will have — files git tracks, not files that happen to lie in this work tree (a lock
 * file that `.gitignore` excludes is not there in a fleet checkout, so `npm ci` would fail in every one).
 * Reads package.json, `git ls-files`, and looks agent CLIs up on PATH and in `node_modules/.bin`.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { findProgram, RUNNER_PROGRAMS } from "../agents/find-program.js";
import { isErrnoError } from "../errors.js";
import { gitText } from "../git/run-git.js";
import type { RunnerName } from "../store/schemas/agent.js";
import type { ProjectFacts } from "./init-templates.js";

type PackageManager = NonNullable<ProjectFacts["packageManager"]>;

/** Lock files of each package manager, in the order they are looked for. */
const LOCKS: readonly (readonly [PackageManager, string])[] = [
  ["pnpm", "pnpm-lock.yaml"],
  ["yarn", "yarn.lock"],
  ["bun", "bun.lock"],
  ["bun", "bun.lockb"],
  ["npm", "package-lock.json"],
  ["npm", "npm-shrinkwrap.json"],
];

/** The scripts that become command gates, in gate order. */
const SCRIPTS = ["build", "test", "lint"] as const;

/** The agent CLI runners init may choose, in order of preference. */
const CLI_RUNNERS: readonly RunnerName[] = ["claude-code", "codex", "gemini", "aider"];

/** How each runner is installed, for the summary when none is found. */
const INSTALL: Partial<Record<RunnerName, string>> = {
  "claude-code": "npm install -g @anthropic-ai/claude-code",
  codex: "npm install -g @openai/codex",
  gemini: "npm install -g @google/gemini-cli",
  aider: "python -m pip install aider-install && aider-install",
};

/** npm's placeholder `test` script: not a test suite, and it always fails. */
const NPM_PLACEHOLDER = /no test specified/;

interface PackageJson {
  scripts: Record<string, string>;
  packageManager: string | null;
}

function readPackageJson(root: string): PackageJson | null {
  let pkg: unknown;
  try {
    pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
  } catch (err) {
    if (isErrnoError(err, "ENOENT") || err instanceof SyntaxError) return null;
    throw err;
  }
  const o = (pkg ?? {}) as { scripts?: unknown; packageManager?: unknown };
  const scripts: Record<string, string> = {};
  if (o.scripts && typeof o.scripts === "object")
    for (const [k, v] of Object.entries(o.scripts)) if (typeof v === "string") scripts[k] = v;
  return { scripts, packageManager: typeof o.packageManager === "string" ? o.packageManager : null };
}

/** The install command for `pm`: frozen to the lock file when git tracks one. */
function setupFor(pm: PackageManager, tracked: boolean, yarnBerry: boolean): string {
  if (!tracked) return `${pm} install`;
  switch (pm) {
    case "npm":
      return "npm ci";
    case "pnpm":
      return "pnpm install --frozen-lockfile";
    case "yarn":
      return yarnBerry ? "yarn install --immutable" : "yarn install --frozen-lockfile";
    case "bun":
      return "bun install --frozen-lockfile";
  }
}

/**
 * `uvu <dir>` (a folder given) loads every `*.js` file under it, dot folders included, unless told
 * `-i`/`--ignore`: acceptance files under `.fleet/` would be loaded whatever their name.
 * @returns the fix, or null when the script is fine.
 */
export function uvuScansFleet(script: string): string | null {
  const m = /(?:^|[\s;&|(])uvu((?:\s+[^\s;&|]+)*)/.exec(script);
  if (!m) return null;
  const args = (m[1] ?? "").trim().split(/\s+/).filter(Boolean);
  const ignores: string[] = [];
  let dir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    if (a === "-i" || a === "--ignore") ignores.push(args[++i] ?? "");
    else if (a.startsWith("--ignore=")) ignores.push(a.slice("--ignore=".length));
    else if (a === "-r" || a === "--require" || a === "-C" || a === "--cwd") i++;
    else if (!a.startsWith("-") && dir === undefined) dir = a;
  }
  if (dir === undefined) return null;
  const probe = ".fleet/acceptance/t/x.accept.js";
  const ignored = ignores.some((p) => {
    try {
      return new RegExp(p, "i").test(probe);
    } catch {
      return false;
    }
  });
  return ignored ? null : script.replace(m[0], `${m[0]} -i .fleet`);
}

/**
 * Looks at the repository at `root` as a fresh checkout will see it. `env` is where agent CLIs are
 * looked up (its PATH), besides `<root>/node_modules/.bin`.
 */
export async function detectProject(root: string, env: NodeJS.ProcessEnv): Promise<ProjectFacts> {
  const branch = await gitText(["symbolic-ref", "--short", "-q", "HEAD"], { cwd: root, okCodes: [1, 128] });
  const base = branch || "main";
  const choices: string[] = [];
  const warnings: string[] = [];
  choices.push(`base: ${base} — the branch you are on${branch ? "" : " (HEAD is detached, so the default)"}`);
  const agent = detectAgentCli(root, env, choices, warnings);
  const pkg = readPackageJson(root);
  if (!pkg) {
    choices.push("setup: none — there is no package.json; set `setup:` in config.md if checkouts need one");
    choices.push("gates: acceptance only — no package.json scripts to run");
    return { base, packageManager: null, scripts: [], setup: null, ...agent, choices, warnings };
  }
  const trackedText = await gitText(["ls-files", "-z", "--", ...LOCKS.map(([, f]) => f), ".yarnrc.yml"], {
    cwd: root,
  });
  const tracked = new Set(trackedText.split("\0").filter(Boolean));
  const declared = /^(npm|pnpm|yarn|bun)@/.exec(pkg.packageManager ?? "")?.[1] as PackageManager | undefined;
  const trackedLock = LOCKS.find(([pm, f]) => tracked.has(f) && (!declared || pm === declared));
  // A lock file only this work tree has still says which manager the person uses (not how frozen).
  const localLock = LOCKS.find(([, f]) => existsSync(path.join(root, f)));
  const pm: PackageManager = declared ?? trackedLock?.[0] ?? localLock?.[0] ?? "npm";
  const yarnBerry = tracked.has(".yarnrc.yml") || /^yarn@[2-9]/.test(pkg.packageManager ?? "");
  const setup = setupFor(pm, trackedLock !== undefined, yarnBerry);
  const why = trackedLock
    ? `git tracks ${trackedLock[1]}`
    : declared
      ? `package.json says "packageManager": "${pkg.packageManager}" and git tracks no lock file of it`
      : localLock
        ? `git tracks no lock file (${localLock[1]} is only in your work tree)`
        : "git tracks no lock file";
  choices.push(`setup: ${setup} — ${why}`);
  for (const [lockPm, f] of LOCKS) {
    if (tracked.has(f) || !existsSync(path.join(root, f))) continue;
    warnings.push(
      `${f} is in your work tree but git does not track it (see .gitignore), so fleet checkouts will not have it: setup is \`${setup}\`, and installed versions may drift from yours. Commit ${f} and set \`setup: ${setupFor(lockPm, true, yarnBerry)}\` in .fleet/config.md for reproducible checkouts.`,
    );
  }
  if (!findProgram(pm, env, root))
    warnings.push(
      `${pm} is not on PATH, and setup runs \`${setup}\`: install it${pm === "npm" ? " (it comes with Node.js)" : ` (\`corepack enable\` provides ${pm})`}.`,
    );
  const scripts: string[] = [];
  for (const name of SCRIPTS) {
    const script = pkg.scripts[name];
    if (script === undefined) continue;
    if (name === "test" && NPM_PLACEHOLDER.test(script)) {
      choices.push(`gate test: left out — package.json's test script is npm's placeholder (${script})`);
      continue;
    }
    scripts.push(name);
    choices.push(`gate ${name}: \`${pm} run ${name}\` — package.json has a ${name} script`);
  }
  const absent = SCRIPTS.filter((s) => pkg.scripts[s] === undefined);
  if (absent.length) choices.push(`no gate for ${absent.join(", ")} — package.json has no such script`);
  const test = pkg.scripts.test;
  const uvuFix = test === undefined ? null : uvuScansFleet(test);
  if (uvuFix)
    warnings.push(
      `your test script runs uvu on a folder, which loads every .js file under it, .fleet/acceptance/ included: change it to "${uvuFix}" in package.json.`,
    );
  return { base, packageManager: pm, scripts, setup, ...agent, choices, warnings };
}

function detectAgentCli(
  root: string,
  env: NodeJS.ProcessEnv,
  choices: string[],
  warnings: string[],
): Pick<ProjectFacts, "runner" | "runnerProgram"> {
  for (const runner of CLI_RUNNERS) {
    const program = RUNNER_PROGRAMS[runner];
    if (!program) continue;
    const found = findProgram(program, env, root);
    if (!found) continue;
    const where = found.via === "project" ? "in node_modules/.bin" : "on PATH";
    choices.push(`agents: runner ${runner} — \`${program}\` found ${where} (${found.file})`);
    return { runner, runnerProgram: found.file };
  }
  warnings.push(
    `no agent CLI found (claude, codex, gemini or aider) on PATH or in node_modules/.bin: the agents use runner claude-code; install it with \`${INSTALL["claude-code"]}\` (or set \`runner: script\` in .fleet/agents/*.md to try fleet without a model).`,
  );
  choices.push("agents: runner claude-code — the default, as no agent CLI was found");
  return { runner: "claude-code", runnerProgram: null };
}
