#!/usr/bin/env node
/**
 * The `fleet` entry point: finds the command in {@link COMMANDS}, imports only that module (so `fleet ls`
 * never loads the daemon or the runners), runs it, and is the one place that ends the process.
 * Each command module exports `run(argv: string[]): Promise<number>` and `usage: string`.
 */
import module from "node:module";
import { FleetError } from "../errors.js";
import { didYouMean } from "../suggest.js";
import { COMMANDS } from "./command-table.js";
import { EXIT, exitCodeFor } from "./exit-codes.js";
import { printError } from "./output.js";

// Node ≥ 22.1 can cache compiled modules on disk, which trims start-up of every later run; Node 20 lacks it.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

export { COMMANDS };

const HELP = `fleet — run a fleet of AI coding agents through your repository

Usage: fleet <command> [options]

Every piece of work goes idea → research → plan → implement → ship. State lives in .fleet/ as
markdown, committed to git; gates, never agents, decide when work is done.

Commands:
{commands}

Run \`fleet help <command>\` (or \`fleet <command> --help\`) for a command's options. Read commands
take --json. A task id may be shortened to any prefix that names one task.

Exit codes:
  0  success
  1  the command ran and found problems (doctor findings, a failed task)
  2  usage error
  3  not found (no repository, no .fleet/, no such task)
  4  the state does not allow this now (e.g. nothing to approve)
  5  another process holds the lock (e.g. a daemon already runs here)
  6  git failed
  7  fleet run --until-idle: tasks wait for a person (approve, answer, fix, retry)
  70 internal error (a bug: please report it)
`;

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return HELP.replace("{commands}", lines.join("\n"));
}

async function version(): Promise<string> {
  const { readFileSync } = await import("node:fs");
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

function unknownCommand(name: string): number {
  printError(
    `unknown command "${name}".${didYouMean(name, Object.keys(COMMANDS))}`,
    "Run `fleet --help` for the list of commands.",
  );
  return EXIT.usage;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "help" && rest[0] !== undefined) {
    // `fleet help <command>` = `fleet <command> --help`, as git and gh have it.
    const target = COMMANDS[rest[0]];
    if (!target) return unknownCommand(rest[0]);
    const mod = await target.load();
    process.stdout.write(mod.usage.endsWith("\n") ? mod.usage : `${mod.usage}\n`);
    return EXIT.ok;
  }
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(help());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === "--version" || name === "-v") {
    process.stdout.write(`${await version()}\n`);
    return EXIT.ok;
  }
  const entry = COMMANDS[name];
  if (!entry) return unknownCommand(name);
  const mod = await entry.load();
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(mod.usage.endsWith("\n") ? mod.usage : `${mod.usage}\n`);
    return EXIT.ok;
  }
  try {
    const code = await mod.run(rest);
    if (code === EXIT.ok && entry.publishes) {
      // With `remote:` set, what this command committed goes to the remote now (src/remote).
      const { syncAfterCommand } = await import("../remote/sync-clone.js");
      const warning = await syncAfterCommand(process.cwd());
      if (warning) process.stderr.write(`${warning}\n`);
    }
    return code;
  } catch (err) {
    if (err instanceof FleetError) {
      printError(err.message, err.hint);
      return exitCodeFor(err.code);
    }
    const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
    printError(
      `internal error: ${message}`,
      "This is a bug in gitfleet; please report it with the command you ran.",
    );
    return EXIT.internal;
  }
}

// `fleet ls | head` closes stdout early: stop quietly instead of crashing on EPIPE.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code !== "EPIPE") throw err;
  process.exit(typeof process.exitCode === "number" ? process.exitCode : EXIT.ok);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    printError(`internal error: ${String(err)}`);
    process.exitCode = EXIT.internal;
  },
);
