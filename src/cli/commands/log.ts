/** `fleet log [<id>]` — argv and printing; the work is in `src/commands/log.ts`. */
import { log } from "../../commands/log.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printLines } from "../output.js";
import { intOption, parseCommand } from "./args.js";
import { formatUsd } from "./format.js";

export const usage = `Usage: fleet log [<id>] [-n <count>] [--reverse] [--json]

What happened, newest first (as \`git log\`), read from the Fleet-* trailers of commits reachable
from HEAD — the same facts \`git log --grep 'Fleet-Task: <id>'\` shows. With <id> (or a prefix
that names one task), only that task's story. On a terminal, long output goes through your pager
($PAGER, else \`less -FRX\`); piped, it is printed as is.

Options:
  -n, --max-count <n>  only the newest n events
  --reverse            oldest first (a task's story as it happened)
  --json               print [{commit, date, author, subject, body, task, phase, event, by, agent,
                       run, cost_usd, trailers, carried}], oldest first (task is null for store-wide
                       events like init; carried: an event a later commit recorded, e.g. a research
                       run handed over to the planner, listed with that commit)

Examples:
  fleet log
  fleet log rate-limit-the-public-api-7k2q
  fleet log -n 20 --json

Exit codes: 0 shown · 2 usage · 3 no repository, or an id with no commits and no task file · 6 git failed
`;

/** Runs `fleet log`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    "log",
    argv,
    { "max-count": { type: "string", short: "n" }, reverse: { type: "boolean" }, json: { type: "boolean" } },
    { min: 0, max: 1, names: "" },
  );
  const entries = await log({
    cwd: process.cwd(),
    ...(positionals[0] !== undefined ? { id: positionals[0] } : {}),
    ...(values["max-count"] !== undefined
      ? { limit: intOption("log", "-n", values["max-count"], 0, 1_000_000) }
      : {}),
  });
  if (values.json) {
    printJson(entries);
    return EXIT.ok;
  }
  if (entries.length === 0) {
    printLines([positionals[0] ? `No commits name ${positionals[0]} yet.` : "No fleet commits yet."]);
    return EXIT.ok;
  }
  const out: string[] = [];
  for (const e of values.reverse ? entries : [...entries].reverse()) {
    const who = e.by ?? e.agent ?? e.author;
    const extra = [e.run !== null ? `run ${e.run}` : "", e.cost_usd !== null ? formatUsd(e.cost_usd) : ""]
      .filter(Boolean)
      .join(", ");
    const what = e.carried
      ? `${e.phase} ${e.event} (not committed alone: recorded by the ${e.trailers["Fleet-Event"] ?? "next"} commit)`
      : e.subject;
    out.push(`${e.date.slice(0, 19).replace("T", " ")}  ${e.commit.slice(0, 7)}  ${what}`);
    out.push(`    by ${who}${extra ? ` (${extra})` : ""}`);
    for (const l of e.body.split("\n").filter((x) => x.trim() !== "")) out.push(`    ${l}`);
  }
  await page(out);
  return EXIT.ok;
}

/**
 * Prints `lines`, through the pager when stdout is a terminal and they do not fit on one screen
 * (git's rule). `$PAGER` is split on spaces; `less` gets `-FRX` (quit if one screen, keep colours,
 * leave the text on screen). A pager that cannot start falls back to printing.
 */
async function page(lines: string[]): Promise<void> {
  const rows = process.stdout.rows ?? 0;
  if (!process.stdout.isTTY || lines.length < rows) return printLines(lines);
  const { spawn } = await import("node:child_process");
  const [cmd = "less", ...args] = (process.env.PAGER || "less -FRX").split(/\s+/).filter(Boolean);
  const ok = await new Promise<boolean>((resolve) => {
    const child = spawn(cmd, args, { stdio: ["pipe", "inherit", "inherit"] });
    child.once("error", () => resolve(false));
    child.once("exit", () => resolve(true));
    child.stdin.on("error", () => {}); // the person quit the pager early
    child.stdin.end(`${lines.join("\n")}\n`);
  });
  if (!ok) printLines(lines);
}
