/** Runs the built CLI (`dist/cli/main.js`) as a subprocess, the way a person would, for e2e tests. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { tempDir, testEnv } from "./temp-repo.js";

/** The built entry point; `npm test` builds it first. */
export const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../dist/cli/main.js");

/** What one CLI run did. */
export interface FleetRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node dist/cli/main.js <args>` in `cwd` with an isolated HOME (no global git config), NO_COLOR=1
 * and LANG=C. `env` adds or overrides variables.
 */
export function runFleet(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): FleetRun {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...testEnv(tempDir("fleet-home-")), ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Like {@link runFleet}, but fails the test with the output when the exit code is not `expected`. */
export function fleetOk(cwd: string, args: readonly string[], expected = 0): FleetRun {
  const r = runFleet(cwd, args);
  if (r.code !== expected) {
    throw new Error(
      `fleet ${args.join(" ")} exited ${r.code}, expected ${expected}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`,
    );
  }
  return r;
}
