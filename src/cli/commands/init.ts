/** `fleet init` — argv and printing; the work is in `src/commands/init.ts`. */
import { existsSync } from "node:fs";
import path from "node:path";
import { doctor } from "../../commands/doctor.js";
import { init } from "../../commands/init.js";
import { gatePlan } from "../../commands/init-templates.js";
import { mcpSnippets } from "../../commands/mcp-snippets.js";
import { findRepoSync } from "../../git/repo.js";
import { type RemoteSetUp, setUpRemote } from "../../remote/init-remote.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printLines } from "../output.js";
import { parseCommand } from "./args.js";
import { doctorLines } from "./doctor-report.js";
import { shortCommit } from "./format.js";

export const usage = `Usage: fleet init [--force] [--no-check] [--remote <name>] [--json]

Creates .fleet/ in this repository and commits it (event: initialized; Fleet-Task and Fleet-Phase
are "fleet" for store-wide events):
  config.md        settings, every field commented
  agents/          researcher, planner, implementer, reviewer (runner: claude-code; \`runner: script\`
                   runs without a model)
  gates/           a command gate per package.json script among build, test, lint (run with your
                   package manager), plus acceptance; config.md lists them per phase
  queue/ plans/ acceptance/ research/ runs/   empty, kept with .gitkeep
Only .fleet/ is committed: your staged and unstaged work is left as it was.

It decides from what a fresh checkout will have, and prints what it chose and why:
  setup    from the lock file git tracks (npm ci, pnpm/yarn/bun frozen installs); a lock file that
           .gitignore excludes is not in any fleet checkout, so then \`<manager> install\`
  gates    the scripts that exist (npm's placeholder test script is left out)
  agents   the first agent CLI found on PATH or in node_modules/.bin: claude, codex, gemini, aider
Then it runs \`fleet doctor --deep\`: setup and every gate in a clean checkout of the base tip, the
agents' CLIs and env. Exit 1 when that finds a problem (.fleet/ is committed either way).

Options:
  --force      .fleet/ exists already: add only the files that are missing, never overwrite
  --no-check   skip the closing \`fleet doctor --deep\`
  --remote <name>
               share this project through the git remote <name> (README "The remote"): config.md
               gets remote: <name>, and the remote gets the base branch when it has none yet, else
               this clone's fleet commits. Works on a project that has .fleet/ already.
  --json       print {root, facts, created, kept, commit, doctor}

Example:
  git init && fleet init

Exit codes: 0 done, no problems · 1 done, and doctor --deep found problems (printed with fixes) · 3 not a git repository or no git identity · 4 .fleet/ exists (use --force) · 6 git failed
`;

/** Runs `fleet init`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommand(
    "init",
    argv,
    {
      force: { type: "boolean" },
      "no-check": { type: "boolean" },
      json: { type: "boolean" },
      remote: { type: "string" },
    },
    { min: 0, max: 0, names: "" },
  );
  const remote = values.remote ?? null;
  if (remote !== null && existsSync(path.join(findRepoSync(process.cwd()).root, ".fleet"))) {
    const set = await setUpRemote(process.cwd(), remote);
    if (values.json) printJson(set);
    else printLines(remoteLines(set));
    return EXIT.ok;
  }
  const result = await init({ cwd: process.cwd(), force: values.force ?? false, remote });
  if (remote !== null) {
    const set = await setUpRemote(process.cwd(), remote);
    if (!values.json) printLines(remoteLines(set));
  }
  const check = () =>
    doctor({
      cwd: process.cwd(),
      deep: true,
      onStep: values.json ? undefined : (step) => process.stderr.write(`fleet doctor: ${step}…\n`),
    });
  if (values.json) {
    const report = values["no-check"] ? null : await check();
    printJson({ ...result, doctor: report });
    return report && !report.ok ? EXIT.problems : EXIT.ok;
  }
  const gates = gatePlan(result.facts);
  printLines([
    result.created.length === 0
      ? `.fleet/ is complete in ${result.root}: nothing to add.`
      : `${result.kept.length ? "Completed" : "Created"} .fleet/ in ${result.root} (${shortCommit(result.commit)}):`,
    ...result.created.map((f) => `  + ${f}`),
    ...(result.kept.length ? [`  (${result.kept.length} files already there were kept as they are)`] : []),
    "",
    "What it chose, and why:",
    ...result.facts.choices.map((c) => `  ${c}`),
    `  gates per phase: implement ${gates.implement.join(", ")}; ship ${gates.ship.join(", ")}`,
    ...(result.facts.warnings.length
      ? ["", "Look at these:", ...result.facts.warnings.map((w) => `  ! ${w}`)]
      : []),
    mcpOffer(),
  ]);
  if (values["no-check"]) {
    printLines(["", "Next: `fleet doctor --deep` checks setup and the gates in a clean checkout."]);
    return EXIT.ok;
  }
  printLines(["", "Checking it works (fleet doctor --deep):"]);
  const report = await check();
  printLines(doctorLines(report).map((l) => (l ? `  ${l}` : l)));
  printLines([
    "",
    report.ok
      ? 'Next: `fleet idea "…"`, `fleet ready <id>`, then `fleet watch`.'
      : "Next: fix the problems above, then `fleet doctor --deep` (init is done: .fleet/ is committed).",
  ]);
  return report.ok ? EXIT.ok : EXIT.problems;
}

/** The offer to let the person's own agents see the queue (`fleet mcp`). */
function mcpOffer(): string {
  return `Let Claude Code or Codex see the queue and file ideas: \`${mcpSnippets().claudeCodeCommand}\` (more: \`fleet mcp --print-config\`).`;
}

function remoteLines(set: RemoteSetUp): string[] {
  return [
    set.configured
      ? `config.md: remote: ${set.remote} (${shortCommit(set.configured)})`
      : `config.md already says remote: ${set.remote}`,
    set.pushedBase
      ? `${set.remote} had no base branch: pushed this clone's.`
      : `${set.remote} has the base branch: this clone's fleet commits were published.`,
    "On each machine: git clone, then `fleet watch` in its clone.",
  ];
}
