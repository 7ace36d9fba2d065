/**
 * `runner: codex` — drives the real Codex CLI non-interactively: `codex exec --json -` with the prompt
 * on stdin, `--model`, a sandbox per phase, and no approvals (`approval_policy="never"`: a command the
 * sandbox refuses fails instead of waiting for a person).
 *
 * Sandbox: inside the fleet's own sandbox (every run unless config.md says `sandbox: off`) codex's is
 * `danger-full-access`: with bubblewrap installed codex nests one of its own that cannot see a checkout
 * under /tmp. Uncontained: `workspace-write` rooted at the working directory, plus `--add-dir $FLEET_OUTPUT_DIR`. In
 * research and plan the working directory is a throw-away checkout, so only what lands in the output
 * directory survives; codex cannot make its working root read-only while another folder stays writable
 * (`read-only` would forbid writing the answer); `/tmp` and `$TMPDIR` are taken out of the writable set.
 * In implement, `/tmp` stays writable (test suites need it). Network stays off (the sandbox default).
 *
 * Endpoint: codex ignores `OPENAI_BASE_URL`; when the agent's environment sets it, the runner adds a
 * provider `fleet` with that `base_url`, the Responses wire API and `env_key = "OPENAI_API_KEY"` through
 * `-c` overrides. Otherwise codex uses the user's own `~/.codex/config.toml` and login.
 *
 * Cost: codex reports tokens (`turn.completed.usage`), not dollars; dollars come from `prices:` in
 * config.md for the agent's `model`. Sources: `codex exec --help` (0.169.0), codex-rs/exec/src/exec_events.rs.
 */
import { usdFromTokens } from "../lifecycle/cost.js";
import { prepareAttemptFiles } from "./attempt-files.js";
import {
  baseOutcome,
  type CliRun,
  cliEnv,
  endedEarly,
  lastSaid,
  programOf,
  realPath,
  runCli,
  whereSection,
} from "./cli-run.js";
import { type CodexSummary, emptyCodexSummary, readCodexLine } from "./codex-events.js";
import {
  type CliSetup,
  classifyFailureText,
  notLoggedInReason,
  retryAfterFromText,
} from "./failure-class.js";
import type { AgentRunRequest, AgentRunResult } from "./types.js";

export const CODEX_SETUP: CliSetup = {
  program: "codex",
  install: "npm install -g @openai/codex",
  login:
    "set OPENAI_API_KEY in the daemon's environment and list it under `env:` in the agent file " +
    "(with OPENAI_BASE_URL for another endpoint), or run `codex login` as the user the daemon runs as",
};

/** A TOML basic string (JSON string escapes are valid TOML escapes). */
function toml(value: string): string {
  return JSON.stringify(value);
}

/** The arguments after the program for one attempt; `env` is the agent's environment (for the endpoint). */
export function codexArgs(req: AgentRunRequest, env: Readonly<Record<string, string>>): string[] {
  const args = ["exec", "--json", "--skip-git-repo-check"];
  if (req.sandbox) {
    // Inside the fleet's sandbox, codex's own (bubblewrap when installed) would nest a second one that
    // hides the checkout under /tmp and refuses every write ("Failed to write file"): ours contains it.
    args.push("--sandbox", "danger-full-access", "-c", 'approval_policy="never"');
  } else {
    args.push("--sandbox", "workspace-write", "--add-dir", realPath(req.outputDir));
    args.push("-c", 'approval_policy="never"');
  }
  if (!req.sandbox && req.phase !== "implement") {
    // Answers go to the output folder; nothing else (not even /tmp) needs to be writable.
    args.push("-c", "sandbox_workspace_write.exclude_slash_tmp=true");
    args.push("-c", "sandbox_workspace_write.exclude_tmpdir_env_var=true");
  }
  if (req.agent.model) args.push("--model", req.agent.model);
  const baseUrl = env.OPENAI_BASE_URL;
  if (baseUrl) {
    args.push("-c", 'model_provider="fleet"');
    args.push(
      "-c",
      `model_providers.fleet={ name = "fleet", base_url = ${toml(baseUrl)}, env_key = "OPENAI_API_KEY", wire_api = "responses" }`,
    );
  }
  args.push("-"); // the prompt comes on stdin
  return args;
}

/** Maps how `codex exec` ended and what its events said to a runner result. */
export function codexOutcome(req: AgentRunRequest, run: CliRun, s: CodexSummary): AgentRunResult {
  const base = baseOutcome(req, run, CODEX_SETUP.program);
  const tokens = { input_tokens: s.inputTokens, output_tokens: s.outputTokens };
  const fields = {
    ...base,
    cost: { usd: usdFromTokens(req.prices ?? {}, req.agent.model, tokens), ...tokens },
    sessionId: s.threadId,
    finalMessage: s.finalMessage === null ? null : run.redact(s.finalMessage),
  };
  const early = endedEarly(req, run, CODEX_SETUP, fields);
  if (early) return early;
  if (s.turnCompleted && !s.failure && run.spawned.exitCode === 0)
    return { ...fields, outcome: "finished", reason: null };
  const said = run.redact(s.failure ?? s.plainLines.at(-1) ?? lastSaid(run));
  const kind = classifyFailureText(said);
  if (kind === "auth") return { ...fields, outcome: "blocked", reason: notLoggedInReason(CODEX_SETUP, said) };
  if (kind === "try-later") {
    return {
      ...fields,
      outcome: "try-later",
      reason: `the model API asked to try later (rate limit, quota or overload): ${said}`,
      retryAfterMs: retryAfterFromText(said, Date.now()),
    };
  }
  if (run.spawned.exitCode === 0 && !s.failure) return { ...fields, outcome: "finished", reason: null };
  const code = run.spawned.exitCode === null ? "" : ` (exit ${run.spawned.exitCode})`;
  return { ...fields, outcome: "failed", reason: `codex failed${code}: ${said || "no output"}` };
}

/** Runs one attempt with the real `codex` CLI (see the module comment). Never rejects for the agent's behaviour. */
export async function runCodex(req: AgentRunRequest): Promise<AgentRunResult> {
  await prepareAttemptFiles(req);
  const env = cliEnv(req);
  const summary = emptyCodexSummary();
  const run = await runCli(req, {
    argv: [...programOf(req, CODEX_SETUP.program), ...codexArgs(req, env)],
    input: `${req.prompt.trimEnd()}\n${whereSection(req)}`,
    onLine: (line) => readCodexLine(summary, line),
  });
  return codexOutcome(req, run, summary);
}
