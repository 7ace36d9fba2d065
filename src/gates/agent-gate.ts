/**
 * `kind: agent` — a skeptical reviewer agent reads the plan and the diff and writes `review.md` with
 * `verdict: approve | changes` and its findings (design.md §6). `approve` passes; `changes` fails the
 * gate with the findings as feedback. A reviewer that was rate limited or out of quota is `try-later`:
 * the gates run again after a back-off. A reviewer that cannot give a verdict for any other reason (it
 * failed, timed out, wrote no valid review.md) is an `error`: the candidate is not to blame. Every
 * outcome carries what the reviewer spent, so the run record's cost includes it.
 *
 * The reviewer runs in the gate's clean checkout of the candidate; whatever it changes there is reset
 * afterwards so later gates see the candidate as committed. Its `review.md` is read from a folder made
 * fresh for this run (a random name apart from every agent's output folder), moved aside as soon as
 * the run ended, and only as a regular file written during the run — not a link, not a file planted
 * before it. Against a process of the same user that runs alongside the reviewer (the candidate's
 * code the reviewer itself runs), only the sandbox helps: then nothing but the reviewer's own
 * sandbox can write that folder.
 */
import { randomBytes } from "node:crypto";
import { lstatSync, mkdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import type { Runner } from "../agents/types.js";
import { git } from "../git/run-git.js";
import { agentHome, agentSpec } from "../sandbox/index.js";
import { parseFrontmatter } from "../store/frontmatter.js";
import { runtimePaths } from "../store/paths.js";
import type { Loaded } from "../store/read-file.js";
import { OutputRefused, readOutputFile } from "../store/read-output-file.js";
import type { Agent, RunnerName } from "../store/schemas/agent.js";
import type { Check } from "../store/schemas/artifacts.js";
import type { Config } from "../store/schemas/config.js";
import type { Gate } from "../store/schemas/gate.js";
import { buildReviewPrompt } from "./review-prompt.js";
import type { GateRunner } from "./run-gates.js";
import type { GateContext, GateOutcome } from "./types.js";

/** What the reviewer gate needs besides the gate context. */
export interface AgentGateDeps {
  agents: ReadonlyMap<string, Loaded<Agent>>;
  getRunner(name: RunnerName): Runner;
  title: string;
  taskBody: string;
  plan: string | null;
  checks: readonly Check[];
  /** The claim's epoch and the attempt number, passed to the runner. */
  epoch: number;
  attempt: number;
  parentEnv: NodeJS.ProcessEnv;
  /** `budgets.per_attempt_usd` of config.md: the most one review may spend, USD; null = no limit. */
  maxBudgetUsd: number | null;
  /** `prices:` of config.md, for reviewers whose CLI reports tokens but not dollars. */
  prices: Config["prices"];
}

/** Longest diff shown to the reviewer, characters. */
const MAX_DIFF = 120_000;

async function diffText(ctx: GateContext): Promise<string> {
  const candidate = ctx.checkout.commit;
  const opts = { cwd: ctx.checkout.dir };
  const stat = await git(["diff", "--stat", "--no-ext-diff", ctx.baseCommit, candidate, "--"], opts);
  const patch = await git(["diff", "--no-ext-diff", "--no-color", ctx.baseCommit, candidate, "--"], opts);
  const cut = patch.stdout.length > MAX_DIFF;
  const body = cut
    ? `${patch.stdout.slice(0, MAX_DIFF)}\n… (diff cut at ${MAX_DIFF} characters)`
    : patch.stdout;
  return `${stat.stdout}\n${body}`;
}

/** Largest review.md read, bytes. */
const MAX_REVIEW_BYTES = 1024 * 1024;

/**
 * The reviewer's verdict from `dir`, its output folder moved aside after the run ended:
 * `review.md` must be a regular file there — not a link — written after `startedMs` (ms since the
 * epoch), at most {@link MAX_REVIEW_BYTES}. A string says why there is no verdict.
 */
function readReview(
  dir: string,
  startedMs: number,
): { verdict: "approve" | "changes"; findings: string } | string {
  let text: string;
  try {
    const bytes = readOutputFile(dir, "review.md", MAX_REVIEW_BYTES);
    if (!bytes) return "the reviewer wrote no review.md";
    if (lstatSync(path.join(dir, "review.md")).mtimeMs < startedMs - 1_000)
      return "review.md is older than the reviewer's run: it was not written by it";
    text = bytes.toString("utf8");
  } catch (err) {
    if (err instanceof OutputRefused) return err.message;
    throw err;
  }
  try {
    const { data, body } = parseFrontmatter(text);
    const verdict = (data as { verdict?: unknown }).verdict;
    if (verdict === "approve" || verdict === "changes") return { verdict, findings: body.trim() };
    return `review.md has no \`verdict: approve | changes\` (found ${JSON.stringify(verdict ?? null)})`;
  } catch (err) {
    return `review.md is not valid: ${(err as Error).message}`;
  }
}

/** A {@link GateRunner} for `kind: agent` gates, bound to one task's plan and the runner lookup. */
export function agentGateRunner(deps: AgentGateDeps): GateRunner {
  return async (gate: Gate, ctx: GateContext): Promise<GateOutcome> => {
    if (gate.kind !== "agent") throw new Error(`agentGateRunner given a ${gate.kind} gate`);
    const error = (why: string, output = ""): GateOutcome => ({
      verdict: "error",
      exitCode: null,
      command: gate.agent,
      output: output || why,
      feedback: `reviewer agent \`${gate.agent}\` gave no verdict: ${why}`,
    });
    const agent = deps.agents.get(gate.agent);
    if (!agent) return error(`.fleet/agents/${gate.agent}.md does not exist or is invalid`);
    const rt = runtimePaths(ctx.repo.commonDir);
    const tag = `${ctx.taskId}-${ctx.gateName}-${randomBytes(16).toString("hex")}`;
    // Outside .git (Claude Code writes nothing there), apart from every agent's output folder, under a
    // name no earlier run could guess, and made here: it must not exist yet.
    const reviews = path.join(rt.work, "reviews");
    mkdirSync(reviews, { recursive: true, mode: 0o700 });
    const outputDir = path.join(reviews, tag);
    const sealed = path.join(reviews, `${tag}.sealed`);
    const promptFile = path.join(rt.dir, "prompts", `${tag}.md`);
    mkdirSync(outputDir, { mode: 0o700 });
    mkdirSync(path.dirname(promptFile), { recursive: true });
    const startedMs = Date.now();
    try {
      const prompt = buildReviewPrompt({
        role: agent.body,
        taskId: ctx.taskId,
        title: deps.title,
        taskBody: deps.taskBody,
        plan: deps.plan,
        checks: deps.checks,
        base: ctx.baseCommit,
        candidate: ctx.checkout.commit,
        diff: await diffText(ctx),
      });
      const result = await deps.getRunner(agent.record.runner)({
        taskId: ctx.taskId,
        phase: "review",
        attempt: deps.attempt,
        epoch: deps.epoch,
        agentName: gate.agent,
        agent: { ...agent.record, timeout: Math.min(agent.record.timeout, gate.timeout) },
        prompt,
        cwd: ctx.checkout.dir,
        outputDir,
        promptFile,
        logFile: ctx.logFile,
        parentEnv: deps.parentEnv,
        signal: ctx.signal ?? new AbortController().signal,
        maxBudgetUsd: deps.maxBudgetUsd,
        prices: deps.prices,
        ...(ctx.onSpawn ? { onSpawn: ctx.onSpawn } : {}),
        // The reviewer reads the candidate: its checkout (but .git) and its output folder, its own HOME.
        sandbox: agentSpec(ctx.policy, {
          commonDir: ctx.repo.commonDir,
          taskId: ctx.taskId,
          agent: agent.record,
          writable: [ctx.checkout.dir, outputDir],
          readOnly: [promptFile],
          readOnlyInsideWritable: [path.join(ctx.checkout.dir, ".git")],
          home: agentHome(ctx.repo.commonDir, ctx.taskId, "reviewer"),
          env: deps.parentEnv,
        }),
      });
      const cost = result.cost;
      if (result.outcome === "try-later") {
        const why = result.reason ?? "rate limited";
        return {
          verdict: "try-later",
          exitCode: result.exitCode,
          command: gate.agent,
          output: why,
          feedback: `reviewer agent \`${gate.agent}\` could not review now: ${why}`,
          cost,
          retryAfterMs: result.retryAfterMs,
        };
      }
      if (result.outcome !== "finished") {
        return {
          ...error(
            `it ${result.outcome === "failed" ? "failed" : `ended ${result.outcome}`}: ${result.reason ?? "no reason given"}`,
          ),
          cost,
        };
      }
      // Sealed once the run has ended: a process the run left behind can no longer write what is read.
      try {
        renameSync(outputDir, sealed);
      } catch {
        return { ...error("its output folder was gone when it ended"), cost };
      }
      const review = readReview(sealed, startedMs);
      if (typeof review === "string") return { ...error(review), cost };
      const output = `verdict: ${review.verdict}\n\n${review.findings}`;
      if (review.verdict === "approve") {
        return {
          verdict: "pass",
          exitCode: result.exitCode,
          command: gate.agent,
          output,
          feedback: null,
          cost,
        };
      }
      return {
        cost,
        verdict: "fail",
        exitCode: result.exitCode,
        command: gate.agent,
        output,
        feedback: `Gate \`${ctx.gateName}\` failed: the reviewer \`${gate.agent}\` asked for changes.\n\n${review.findings.slice(0, 12_000) || "(no findings given)"}`,
      };
    } finally {
      rmSync(outputDir, { recursive: true, force: true });
      rmSync(sealed, { recursive: true, force: true });
      await git(["reset", "-q", "--hard"], { cwd: ctx.checkout.dir }).catch(() => {});
      await git(["clean", "-q", "-fd"], { cwd: ctx.checkout.dir }).catch(() => {});
    }
  };
}
