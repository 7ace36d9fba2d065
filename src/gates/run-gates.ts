/**
 * Running a phase's gates on one candidate commit: refusals first, then one clean checkout with the
 * configured `setup`, then each gate in the order `config.md` lists them, stopping at the first that
 * does not pass (the rest are recorded as `skipped`). What gate agents spent (the reviewer) is summed
 * into the report's `cost`, whatever the outcome. Each gate's verdict, exit code, duration and
 * output tail become a `gates:` entry of the run record; its full output goes to
 * `<git-common-dir>/fleet/logs/<task>/<label>-<gate>.log`.
 */
import path from "node:path";
import type { Repo } from "../git/repo.js";
import { addCosts, zeroCost } from "../lifecycle/cost.js";
import {
  checkoutSpec,
  type NetworkMode,
  type RepoSandbox,
  type SandboxPolicy,
  type SandboxSpec,
  sandboxForRepo,
} from "../sandbox/index.js";
import { fleetPaths, runtimePaths } from "../store/paths.js";
import { readGates } from "../store/read-records.js";
import type { Cost } from "../store/schemas/common.js";
import type { Config } from "../store/schemas/config.js";
import type { Gate } from "../store/schemas/gate.js";
import type { GateResult } from "../store/schemas/run.js";
import { type Checkout, createCheckout, removeCheckout, removeStaleCheckouts, runSetup } from "./checkout.js";
import { describeEnd, outputExcerpt } from "./feedback.js";
import { changedPaths, refusalFeedback, refusalsFor } from "./refusals.js";
import { gateEnv, succeeded, tailLines } from "./shell.js";
import type { GateContext, GateOutcome } from "./types.js";

/** Runs one gate of a kind the table below does not know how to run itself (the `agent` kind). */
export type GateRunner = (gate: Gate, ctx: GateContext) => Promise<GateOutcome>;

/** What to judge and how. */
export interface RunGatesOptions {
  repo: Repo;
  taskId: string;
  /** Gate names in order (`config.gates.implement` or `config.gates.ship`). */
  names: readonly string[];
  config: Config;
  /** The commit to judge (full sha). */
  candidate: string;
  /** The commit it is judged against (full sha): refusals and the reviewer's diff start here. */
  base: string;
  /**
   * The commit whose `.fleet/` the acceptance checks come from (full sha): the base branch's tip, which
   * holds the acceptance files the person approved. Default: `base`.
   */
  fleetFrom?: string;
  /** Names the log files, e.g. `003-implement`. */
  label: string;
  /**
   * Judge `candidate` as it stands, with no change to judge: no refusals and no "changes nothing"
   * failure. For the baseline run of the gates on the base commit before an implement attempt.
   */
  asIs?: boolean;
  /**
   * Gate definitions. The coordinator always passes those of the commit its job was claimed at
   * (`src/coordinator/definitions.ts`); the default, the person's `.fleet/gates/` as they are on disk
   * (never the candidate's), is for tests and tools that run gates by hand.
   */
  gates?: Map<string, Gate>;
  /** Runs `kind: agent` gates (the reviewer); without it such a gate is an `error`. */
  agentGate?: GateRunner;
  /** The daemon's environment; only an allowlist reaches gate processes. Default `process.env`. */
  parentEnv?: NodeJS.ProcessEnv;
  signal?: AbortSignal | undefined;
  /** Told each started process group id (the daemon records them to kill after a crash). */
  onSpawn?: ((pgid: number) => void) | undefined;
  /** Told when each gate starts and ends (for the daemon's event lines). */
  onGate?: (event: { gate: string; result?: GateResult }) => void;
  /** What contains the gates; default: config.md's `sandbox:` on this machine (src/sandbox). */
  sandbox?: RepoSandbox;
  /**
   * A ship batch (coordinator/ship-batch.ts): the tasks whose acceptance checks a `kind: acceptance`
   * gate runs on the candidate, one after another, each recorded as `<gate> (<task id>)`. Default:
   * `[taskId]`, recorded as `<gate>`.
   */
  acceptanceOf?: readonly string[];
}

/** The network a gate's processes get: its file's `network:`, else host for health gates (probed from outside), none for the rest. */
export function gateNetwork(gate: Gate): NetworkMode {
  return gate.network ?? (gate.kind === "health" ? "host" : "none");
}

/** A gate process's sandbox: the checkout writable but its `.git`, the borrowed objects read-only. */
export function gateSpec(
  policy: SandboxPolicy,
  repo: Repo,
  dir: string,
  network: NetworkMode,
): SandboxSpec | null {
  return checkoutSpec(policy, {
    checkout: dir,
    objects: path.join(repo.commonDir, "objects"),
    sealed: true,
    network,
  });
}

/**
 * How the gates went. `passed`: every gate passed. `failed`: a gate failed — the candidate's fault, an
 * attempt used, `feedback` for the next prompt. `refused`: the diff touches forbidden paths (also the
 * candidate's fault). `error`: a gate could not judge (missing definition, acceptance file, command
 * not found) — a person must look, `reason` says what. `try-later`: a gate's agent was rate limited;
 * judge again after `retryAfterMs` (null = the caller's back-off), no attempt used. `interrupted`:
 * stopped by the signal.
 */
export interface GatesReport {
  outcome: "passed" | "failed" | "refused" | "error" | "try-later" | "interrupted";
  results: GateResult[];
  /** What gate agents spent on this candidate (the reviewer); all null when none ran. */
  cost: Cost;
  /** For `try-later`: the wait the agent asked for, ms, or null. */
  retryAfterMs: number | null;
  /** For the next implement prompt: gate, command, exit code, relevant output. */
  feedback: string | null;
  /** One sentence for people (run record `reason`, task `reason`). */
  reason: string | null;
}

const IMPLICIT: Record<string, Gate> = { acceptance: { kind: "acceptance", timeout: 10 * 60_000, env: {} } };

function result(gate: string, kind: string, outcome: Partial<GateResult>): GateResult {
  return {
    gate,
    kind,
    verdict: "skipped",
    exit_code: null,
    duration_ms: 0,
    output_tail: "",
    log: null,
    ...outcome,
  };
}

async function runOne(gate: Gate, ctx: GateContext, agentGate?: GateRunner): Promise<GateOutcome> {
  switch (gate.kind) {
    case "command":
      return (await import("./command-gate.js")).runCommandGate(gate, ctx);
    case "acceptance":
      return (await import("./acceptance-gate.js")).runAcceptanceGate(gate, ctx);
    case "health":
      return (await import("./health-gate.js")).runHealthGate(gate, ctx);
    case "agent":
      if (agentGate) return agentGate(gate, ctx);
      return {
        verdict: "error",
        exitCode: null,
        command: gate.agent,
        output: "",
        feedback: `gate \`${ctx.gateName}\` needs a reviewer agent runner, and none was given`,
      };
  }
}

/** A report before the spent cost is added; `retryAfterMs` only for try-later. */
type Judged = Omit<GatesReport, "cost" | "retryAfterMs"> & { retryAfterMs?: number | null };

/**
 * Judges `candidate` against `base` with the gates `names`. Never throws for a gate's failure; throws
 * only when git itself fails (a candidate commit that does not exist, a checkout that cannot be made).
 */
export async function runGates(opts: RunGatesOptions): Promise<GatesReport> {
  const spent = { cost: zeroCost() };
  const judged = await judge(opts, spent);
  return { ...judged, cost: spent.cost, retryAfterMs: judged.retryAfterMs ?? null };
}

async function judge(opts: RunGatesOptions, spent: { cost: Cost }): Promise<Judged> {
  const { repo, taskId } = opts;
  const rt = runtimePaths(repo.commonDir);
  const logFor = (name: string) => path.join(rt.logs, taskId, `${opts.label}-${name}.log`);
  const logRel = (name: string) => path.relative(repo.commonDir, logFor(name)).split(path.sep).join("/");
  const results: GateResult[] = [];
  const gates = opts.gates ?? new Map([...readGates(fleetPaths(repo.root))].map(([n, l]) => [n, l.record]));
  const gateOf = (name: string): Gate | undefined => gates.get(name) ?? IMPLICIT[name];
  const skipRest = (from: number) => {
    for (const name of opts.names.slice(from)) results.push(result(name, gateOf(name)?.kind ?? "", {}));
  };

  const changed = opts.asIs ? [] : await changedPaths(repo.root, opts.base, opts.candidate);
  if (!opts.asIs && changed.length === 0) {
    results.push(result("change", "change", { verdict: "fail", output_tail: "no files changed" }));
    skipRest(0);
    const reason = `the candidate ${opts.candidate.slice(0, 12)} changes nothing compared with ${opts.base.slice(0, 12)}`;
    return {
      outcome: "failed",
      results,
      feedback: `No change to judge: ${reason}. Make the change the plan describes in the worktree.`,
      reason,
    };
  }
  const refusals = refusalsFor(changed, opts.config.protected);
  if (refusals.length > 0) {
    const list = refusals.map((r) => r.path).join(", ");
    results.push(
      result("refusal", "refusal", {
        verdict: "fail",
        output_tail: tailLines(refusals.map((r) => `${r.path}: ${r.why}`).join("\n")),
      }),
    );
    skipRest(0);
    return {
      outcome: "refused",
      results,
      feedback: refusalFeedback(refusals),
      reason: `refused: the change touches ${list}`,
    };
  }

  if (opts.names.length === 0) return { outcome: "passed", results, feedback: null, reason: null };
  const policy = opts.sandbox ?? sandboxForRepo(repo, opts.config.sandbox, opts.parentEnv ?? process.env);
  if (policy.mode === "unavailable") {
    results.push(result("sandbox", "sandbox", { verdict: "error", output_tail: policy.reason }));
    skipRest(0);
    const reason = `${policy.reason}. ${policy.fix}`;
    return { outcome: "error", results, feedback: reason, reason };
  }
  const env = gateEnv(opts.parentEnv ?? process.env, { FLEET_TASK_ID: taskId });
  await removeStaleCheckouts(repo, taskId);
  let checkout: Checkout | null = null;
  try {
    checkout = await createCheckout(repo, taskId, opts.candidate);
    if (opts.config.setup) {
      const setup = opts.config.setup;
      const timeoutMs = 30 * 60_000;
      const done = await runSetup(checkout, setup, {
        env,
        logFile: logFor("setup"),
        timeoutMs,
        signal: opts.signal,
        onSpawn: opts.onSpawn,
        sandbox: gateSpec(policy, repo, checkout.dir, "host"),
      });
      const ok = succeeded(done);
      results.push(
        result("setup", "setup", {
          verdict: ok ? "pass" : done.spawnError ? "error" : "fail",
          exit_code: done.exitCode,
          duration_ms: done.durationMs,
          output_tail: tailLines(done.output),
          log: logRel("setup"),
        }),
      );
      if (opts.signal?.aborted) return { outcome: "interrupted", results, feedback: null, reason: "stopped" };
      if (!ok) {
        skipRest(0);
        const how = describeEnd(done, timeoutMs);
        return {
          outcome: done.spawnError ? "error" : "failed",
          results,
          feedback: `The setup command \`${setup}\` (config.md \`setup\`) ${how} in a clean checkout of your commit.\n\n${outputExcerpt(done.output)}`,
          reason: `setup \`${setup}\` ${how}`,
        };
      }
    }
    for (const [i, name] of opts.names.entries()) {
      const gate = gateOf(name);
      if (!gate) {
        results.push(result(name, "", { verdict: "error" }));
        skipRest(i + 1);
        const reason = `gate \`${name}\` is listed in config.md but .fleet/gates/${name}.md does not exist`;
        return { outcome: "error", results, feedback: reason, reason };
      }
      const batch = gate.kind === "acceptance" && opts.acceptanceOf?.length ? opts.acceptanceOf : null;
      for (const judgedTask of batch ?? [taskId]) {
        const label = batch ? `${name} (${judgedTask})` : name;
        opts.onGate?.({ gate: label });
        const started = Date.now();
        const ctx: GateContext = {
          repo,
          taskId: judgedTask,
          gateName: name,
          checkout,
          baseCommit: opts.base,
          fleetCommit: opts.fleetFrom ?? opts.base,
          env: { ...env, ...gate.env, FLEET_TASK_ID: judgedTask },
          logFile: logFor(label),
          signal: opts.signal,
          onSpawn: opts.onSpawn,
          sandbox: gateSpec(policy, repo, checkout.dir, gateNetwork(gate)),
          policy,
        };
        const outcome = await runOne(gate, ctx, opts.agentGate);
        if (outcome.cost) spent.cost = addCosts(spent.cost, outcome.cost);
        const entry = result(label, gate.kind, {
          verdict: outcome.verdict,
          exit_code: outcome.exitCode,
          duration_ms: Date.now() - started,
          output_tail: tailLines(outcome.output),
          log: logRel(label),
        });
        results.push(entry);
        opts.onGate?.({ gate: label, result: entry });
        if (opts.signal?.aborted) {
          skipRest(i + 1);
          return { outcome: "interrupted", results, feedback: null, reason: "stopped while gates ran" };
        }
        if (outcome.verdict === "try-later") {
          skipRest(i + 1);
          return {
            outcome: "try-later",
            results,
            feedback: null,
            reason: `gate ${name} will run again later: ${(outcome.feedback ?? "").split("\n")[0]}`,
            retryAfterMs: outcome.retryAfterMs ?? null,
          };
        }
        if (outcome.verdict !== "pass") {
          skipRest(i + 1);
          const what = outcome.command ? ` (\`${outcome.command}\`)` : "";
          const exit = outcome.exitCode === null ? "" : `, exit code ${outcome.exitCode}`;
          return {
            outcome: outcome.verdict === "error" ? "error" : "failed",
            results,
            feedback: outcome.feedback,
            reason:
              outcome.verdict === "error"
                ? `gate ${name} could not run: ${(outcome.feedback ?? "").split("\n")[0]}`
                : outcome.summary
                  ? `gate ${name} failed: ${outcome.summary}`
                  : `gate ${name}${what} failed${exit}`,
          };
        }
      }
    }
    return { outcome: "passed", results, feedback: null, reason: null };
  } finally {
    if (checkout) await removeCheckout(repo, checkout.dir);
  }
}
