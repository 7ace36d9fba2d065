/** `kind: command` — build, tests, lint, deploy: any command line, in the candidate's clean checkout. */
import type { Gate } from "../store/schemas/gate.js";
import { describeEnd, outputExcerpt } from "./feedback.js";
import { inCheckout, runShell, succeeded } from "./shell.js";
import type { GateContext, GateOutcome } from "./types.js";

type CommandGate = Extract<Gate, { kind: "command" }>;

/**
 * Runs `gate.run` through `sh -c` at the checkout's root with the gate's timeout (ms). Exit 0 passes;
 * any other exit, a timeout or a kill fails with the command, how it ended and the output's tail as
 * feedback. A command that cannot start at all is an `error`.
 */
export async function runCommandGate(gate: CommandGate, ctx: GateContext): Promise<GateOutcome> {
  const result = await runShell(inCheckout(ctx, gate.run, gate.timeout));
  const passed = succeeded(result);
  const verdict = passed ? "pass" : result.spawnError ? "error" : "fail";
  return {
    verdict,
    exitCode: result.exitCode,
    command: gate.run,
    output: result.output,
    feedback: passed
      ? null
      : `Gate \`${ctx.gateName}\` failed: \`${gate.run}\` ${describeEnd(result, gate.timeout)}.\n\n${outputExcerpt(result.output)}`,
  };
}
