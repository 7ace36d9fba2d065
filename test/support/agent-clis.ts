/**
 * The real agent CLIs installed as devDependencies (versions pinned in package.json), and the
 * environment that points them at the scripted model server with an isolated HOME and a dummy key.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { tempDir } from "../helpers/temp-repo.js";
import type { ModelServer } from "./model-server.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** `node_modules/.bin/claude` (Claude Code, native binary). */
export const CLAUDE_BIN = path.join(root, "node_modules", ".bin", "claude");
/** `node_modules/.bin/codex` (Codex CLI; a node launcher for its native binary). */
export const CODEX_BIN = path.join(root, "node_modules", ".bin", "codex");
/** `node_modules/.bin/gemini` (Gemini CLI, a node program). */
export const GEMINI_BIN = path.join(root, "node_modules", ".bin", "gemini");

/** A dummy key shaped like a real one, so redaction by value and by shape are both exercised. */
export const FAKE_ANTHROPIC_KEY = "sk-ant-api03-FAKEfakeFAKEfake0123456789-test";
export const FAKE_OPENAI_KEY = "sk-proj-FAKEfakeFAKEfake0123456789abcdef";
export const FAKE_GEMINI_KEY = "AIzaSyFAKEfakeFAKEfake0123456789abcdefg";

/** The installed version of a devDependency, from its package.json. */
export function installedVersion(pkg: string): string {
  const file = path.join(root, "node_modules", pkg, "package.json");
  return existsSync(file)
    ? (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version
    : "missing";
}

/**
 * Environment of the daemon in a claude test: PATH, a fresh HOME, the server as ANTHROPIC_BASE_URL,
 * the fake key, and no API retries inside the CLI (so a scripted 429 ends the run at once).
 */
export function claudeParentEnv(server: ModelServer, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: tempDir("fleet-home-"),
    LANG: "C",
    ANTHROPIC_BASE_URL: server.url,
    ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY,
    CLAUDE_CODE_MAX_RETRIES: "0",
    ...extra,
  };
}

/** The `env:` list a claude agent file needs for {@link claudeParentEnv}. */
export const CLAUDE_ENV_NAMES = ["ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY", "CLAUDE_CODE_MAX_RETRIES"];

/** The frontmatter fields of an agent that runs the pinned `claude` against the model server. */
export const CLAUDE_AGENT = {
  runner: "claude-code",
  command: [CLAUDE_BIN],
  env: CLAUDE_ENV_NAMES,
  model: "claude-sonnet-4-5",
};

/** Environment of the daemon in a codex test: the server as OPENAI_BASE_URL and the fake key. */
export function codexParentEnv(server: ModelServer, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: tempDir("fleet-home-"),
    LANG: "C",
    OPENAI_BASE_URL: `${server.url}/v1`,
    OPENAI_API_KEY: FAKE_OPENAI_KEY,
    ...extra,
  };
}

/** The `env:` list a codex agent file needs for {@link codexParentEnv}. */
export const CODEX_ENV_NAMES = ["OPENAI_BASE_URL", "OPENAI_API_KEY"];

/** The value of `NAME: value` in a prompt (e.g. `FLEET_OUTPUT_DIR`), from the runner's "This run" section. */
export function promptValue(text: string, name: string): string {
  const m = new RegExp(`${name}: (.+)`).exec(text);
  if (!m?.[1]) throw new Error(`the prompt has no ${name}:`);
  return m[1].trim();
}

/** `file` in the run's FLEET_OUTPUT_DIR, as the prompt of request `r` names it. */
export const outputFile = (r: { text: string }, file: string) =>
  path.join(promptValue(r.text, "FLEET_OUTPUT_DIR"), file);
/** `file` in the run's working directory, as the prompt of request `r` names it. */
export const workFile = (r: { text: string }, file: string) =>
  path.join(promptValue(r.text, "Working directory"), file);
/** A model turn that calls Claude Code's Write tool. */
export const claudeWrite = (file_path: string, content: string) => ({
  tools: [{ name: "Write", input: { file_path, content } }],
});
/** A model turn that calls Claude Code's Read tool (its Write refuses a file it has not read). */
export const claudeRead = (file_path: string) => ({ tools: [{ name: "Read", input: { file_path } }] });

/**
 * Environment of the daemon in a gemini test: the server as GOOGLE_GEMINI_BASE_URL, the fake key, and
 * a HOME whose ~/.gemini/settings.json picks API-key auth (a custom base URL otherwise selects a
 * "gateway" auth the CLI refuses) and one API attempt (else a 429 is retried for minutes).
 */
export function geminiParentEnv(server: ModelServer, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const home = tempDir("fleet-home-");
  mkdirSync(path.join(home, ".gemini"));
  writeFileSync(
    path.join(home, ".gemini", "settings.json"),
    JSON.stringify({ security: { auth: { selectedType: "gemini-api-key" } }, general: { maxAttempts: 1 } }),
  );
  return {
    PATH: process.env.PATH,
    HOME: home,
    LANG: "C",
    GOOGLE_GEMINI_BASE_URL: server.url,
    GEMINI_API_KEY: FAKE_GEMINI_KEY,
    ...extra,
  };
}

/** The `env:` list a gemini agent file needs for {@link geminiParentEnv}. */
export const GEMINI_ENV_NAMES = ["GEMINI_API_KEY", "GOOGLE_GEMINI_BASE_URL"];
