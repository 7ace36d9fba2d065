/**
 * Real-browser helpers for the board's tests: the built `fleet board` as a subprocess (its URL read from
 * what it prints) and Debian's headless `chromium` driven by playwright-core. Screenshots go to
 * `test-artifacts/board/` (gitignored) so a person can look at what the test saw.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterEach } from "vitest";
import { CLI } from "../helpers/run-fleet.js";
import { tempDir, testEnv } from "../helpers/temp-repo.js";

/** Where Debian installs chromium (`.ci/run` installs it). */
export const CHROMIUM = process.env.FLEET_CHROMIUM ?? "/usr/bin/chromium";
/** Screenshots of the browser tests. */
export const ARTEFACTS = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../test-artifacts/board",
);

const children: ChildProcess[] = [];
const browsers: Browser[] = [];
afterEach(async () => {
  for (const b of browsers.splice(0)) await b.close().catch(() => {});
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

/** A running `fleet board`: its URL (with the token) and process. */
export interface BoardProcess {
  url: string;
  child: ChildProcess;
  output(): string;
}

/** Starts `fleet board --no-open` in `root` and resolves with the URL it prints. */
export function startBoardProcess(root: string, args: string[] = []): Promise<BoardProcess> {
  const child = spawn(process.execPath, [CLI, "board", "--no-open", ...args], {
    cwd: root,
    env: testEnv(tempDir("fleet-home-")),
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fleet board printed no URL in 20 s:\n${out}`)), 20_000);
    const onData = (c: Buffer) => {
      out += c.toString();
      const m = /fleet board: (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({ url: m[1], child, output: () => out });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`fleet board exited ${code}:\n${out}`));
    });
  });
}

/**
 * Launches headless chromium with the flags from dependencies.md and opens a page. playwright gives it a
 * fresh profile of its own (it refuses `--user-data-dir` in `launch`) and adds its headless flag.
 */
export async function openPage(): Promise<Page> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
    ],
  });
  browsers.push(browser);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  return page;
}

/** Saves a full-page screenshot as `test-artifacts/board/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTEFACTS, { recursive: true });
  const file = path.join(ARTEFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
