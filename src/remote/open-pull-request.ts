/**
 * The remote's forge (design.md §5): opening a pull request for a review branch with the GitHub CLI.
 * May run `gh` (never through a shell; a private environment; its process group killed at the timeout)
 * and write one temporary file (the body), nothing else. `gh` is the person's own logged-in tool, run
 * in their clone as they would run it; it never sees an agent's clone.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** The pull request opened (`url`, as gh prints it), or why none was: one sentence for people. */
export type PullRequestResult = { kind: "opened"; url: string } | { kind: "not-opened"; why: string };

/** What gh may see of the daemon's environment: where it is, its login, its host. */
const GH_ENV = [
  "PATH",
  "HOME",
  "LANG",
  "TMPDIR",
  "XDG_CONFIG_HOME",
  "GH_CONFIG_DIR",
  "GH_HOST",
  "GH_TOKEN",
  "GITHUB_TOKEN",
  "GH_ENTERPRISE_TOKEN",
  "GITHUB_ENTERPRISE_TOKEN",
];

/** How long one gh call may take, ms. */
export const GH_TIMEOUT_MS = 60_000;

interface Ran {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Set when gh could not start (ENOENT: not installed) or was killed at the timeout. */
  error: string | null;
}

async function runGh(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  const childEnv: Record<string, string> = {
    GH_PROMPT_DISABLED: "1",
    NO_COLOR: "1",
    GH_NO_UPDATE_NOTIFIER: "1",
  };
  for (const k of GH_ENV) if (env[k] !== undefined) childEnv[k] = env[k] as string;
  const { execa } = await import("execa");
  const child = execa("gh", args, {
    cwd,
    env: childEnv,
    extendEnv: false,
    detached: true,
    input: "",
    reject: false,
    maxBuffer: 1024 * 1024,
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }, GH_TIMEOUT_MS);
  const result = await child;
  clearTimeout(timer);
  const notFound = (result as { code?: string }).code === "ENOENT";
  return {
    exitCode: result.exitCode ?? null,
    stdout: String(result.stdout ?? ""),
    stderr: String(result.stderr ?? ""),
    error: notFound
      ? "gh (the GitHub CLI) is not installed here (not on PATH)"
      : timedOut
        ? `gh did not finish in ${GH_TIMEOUT_MS / 1000}s and was killed`
        : result.exitCode === undefined
          ? `gh could not start: ${result.shortMessage}`
          : null,
  };
}

const lastLine = (text: string) => text.trim().split("\n").at(-1)?.trim().slice(0, 300) ?? "";

/**
 * Opens a pull request of `head` into `base` in the repository at `cwd`: first `gh auth status` (exit 0
 * = logged in), then `gh pr create --head=<head> --base=<base> --title=<title> --body-file=<file>` with
 * `body` in a temporary file. Values go as `--flag=value`, so a title that starts with `-` stays a title.
 * @returns the URL gh printed, or why no pull request was opened (gh missing, not logged in, refused);
 *   never throws for gh's failures.
 */
export async function openPullRequest(opts: {
  cwd: string;
  head: string;
  base: string;
  title: string;
  body: string;
  env: NodeJS.ProcessEnv;
}): Promise<PullRequestResult> {
  const auth = await runGh(["auth", "status"], opts.cwd, opts.env);
  if (auth.error) return { kind: "not-opened", why: auth.error };
  if (auth.exitCode !== 0)
    return {
      kind: "not-opened",
      why: `gh is not logged in (\`gh auth status\` exit ${auth.exitCode}${lastLine(auth.stderr) ? `: ${lastLine(auth.stderr)}` : ""}); run \`gh auth login\``,
    };
  const dir = mkdtempSync(path.join(os.tmpdir(), "gitfleet-pr-"));
  try {
    const bodyFile = path.join(dir, "body.md");
    writeFileSync(bodyFile, opts.body, { mode: 0o600 });
    const title = opts.title.replace(/[\r\n]+/g, " ").trim();
    const made = await runGh(
      [
        "pr",
        "create",
        `--head=${opts.head}`,
        `--base=${opts.base}`,
        `--title=${title}`,
        `--body-file=${bodyFile}`,
      ],
      opts.cwd,
      opts.env,
    );
    if (made.error) return { kind: "not-opened", why: made.error };
    if (made.exitCode !== 0)
      return {
        kind: "not-opened",
        why: `\`gh pr create\` failed (exit ${made.exitCode})${lastLine(made.stderr) ? `: ${lastLine(made.stderr)}` : ""}`,
      };
    const url = made.stdout
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => /^https?:\/\/\S+$/.test(l))
      .at(-1);
    if (!url) return { kind: "not-opened", why: `\`gh pr create\` printed no URL: ${lastLine(made.stdout)}` };
    return { kind: "opened", url };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
