/**
 * The real sandbox for runner tests: a spec as the coordinator builds it for an agent (its cwd and
 * output folder writable, its prompt readable, HOME its request's HOME, the host network), so a runner
 * test runs its CLI contained the way a fleet run does.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { AgentRunRequest } from "../../src/agents/types.js";
import { probeSandbox, type SandboxSpec, sandboxPolicy, specFor } from "../../src/sandbox/index.js";
import { tempDir } from "../helpers/temp-repo.js";

/** `req` with `sandbox` set (its output folder and prompt file made first, as the runner would). */
export function sandboxed<R extends AgentRunRequest>(req: R): R & { sandbox: SandboxSpec } {
  const probe = probeSandbox();
  if (!probe.ok) throw new Error(`${probe.reason}. ${probe.fix}`);
  mkdirSync(req.outputDir, { recursive: true });
  mkdirSync(path.dirname(req.promptFile), { recursive: true });
  writeFileSync(req.promptFile, req.prompt);
  const person = tempDir("fleet-person-");
  const policy = sandboxPolicy({
    bwrap: probe.bwrap,
    root: person,
    commonDir: path.join(person, ".git"),
    workRoot: path.join(tempDir("fleet-work-"), "repo"),
    env: req.parentEnv,
  });
  const home = req.parentEnv.HOME ?? tempDir("fleet-home-");
  const sandbox = specFor(policy, {
    writable: [req.cwd, req.outputDir],
    readOnly: [req.promptFile],
    home,
    network: "host",
  }) as SandboxSpec;
  return { ...req, sandbox };
}
