/**
 * The only files of the person's HOME an agent's sandbox may see: each runner's own login, shown
 * read-only at the same place in the agent's private HOME (docs/security.md lists them). A key in the
 * environment (`env:` of the agent file) needs none of them.
 */
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import type { RunnerName } from "../store/schemas/agent.js";

/** Credential files per runner, relative to HOME (where each CLI keeps its login on Linux). */
export const CREDENTIAL_FILES: Readonly<Record<RunnerName, readonly string[]>> = {
  "claude-code": [".claude/.credentials.json"],
  codex: [".codex/auth.json"],
  gemini: [".gemini/oauth_creds.json", ".gemini/google_accounts.json"],
  aider: [],
  command: [],
  script: [],
};

/** The credential files of `runner` that exist under `home`, as `{ source, rel }` for the sandbox. */
export function credentialFiles(runner: RunnerName, home: string): { source: string; rel: string }[] {
  return CREDENTIAL_FILES[runner]
    .map((rel) => ({ source: path.join(home, rel), rel }))
    .filter((f) => existsSync(f.source) && statSync(f.source).isFile());
}
