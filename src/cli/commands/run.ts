/** `fleet run` — one pass of the daemon, for cron and CI; the work is in `src/watcher/daemon.ts`. */
import { getRunner } from "../../agents/index.js";
import { waitingForYou } from "../../commands/waiting.js";
import { startNotifier } from "../../notify/notifier.js";
import { runDaemon } from "../../watcher/daemon.js";
import { EXIT } from "../exit-codes.js";
import { printError, printLines, useColor } from "../output.js";
import { parseCommand } from "./args.js";
import { eventJson, formatEventLine } from "./event-line.js";
import { reportAfterDrain } from "./report.js";
import { yourTurnLines } from "./your-turn-lines.js";

export const usage = `Usage: fleet run [--until-idle] [--json]

Runs the fleet without watching: starts every task that may start now and waits for those runs to
end. With --until-idle it keeps going — a finished research lets the plan start, and so on — until
nothing runs and nothing more can start (tasks waiting for a person, a dependency or a back-off
are left waiting). Prints the same event lines as \`fleet watch\`. Holds the clone's daemon lease
while it runs, and recovers from a crashed daemon first, like \`fleet watch\`.

Options:
  --until-idle   drain everything runnable, then exit
  --json         print each event as one JSON line

When it ends, every task waiting for a person is listed with what it waits for and the command
that moves it on (drafts are left out: you finish them in your own time).

Exit codes: 0 nothing left to run, nothing waits for you · 1 some task ran out of attempts (status
failed) during this run · 3 no repository or .fleet/ · 5 a daemon already runs for this clone ·
7 (--until-idle) the fleet is idle and tasks wait for a person: a plan to approve, a question to
answer, a problem to fix, a failed task to retry — for cron: 7 means "your turn", not "broken"
`;

/** Runs `fleet run`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommand(
    "run",
    argv,
    { "until-idle": { type: "boolean" }, json: { type: "boolean" } },
    { min: 0, max: 0, names: "" },
  );
  const started = new Date().toISOString();
  const stop = new AbortController();
  const color = !values.json && useColor();
  const onSignal = () => stop.abort();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // No repository, no .fleet/ or a broken config.md: the daemon itself says so, below.
  const notifier = await startNotifier({ cwd: process.cwd(), onError: (m) => printError(m) }).catch(
    () => null,
  );
  try {
    const result = await runDaemon({
      cwd: process.cwd(),
      mode: values["until-idle"] ? "until-idle" : "once",
      signal: stop.signal,
      getRunner,
      command: values["until-idle"] ? "fleet run --until-idle" : "fleet run",
      onEvent: (e) => {
        process.stdout.write(`${values.json ? eventJson(e) : formatEventLine(e, color)}\n`);
        notifier?.observe(e);
      },
      onIdle: () => void reportAfterDrain(process.cwd(), started),
    });
    if (result.leaseLost) {
      printError(`lost this clone's daemon lease: ${result.leaseLost}`);
      return EXIT.locked;
    }
    const waiting = values["until-idle"] || result.failed.length ? waitingForYou(process.cwd()) : [];
    if (waiting.length && !values.json) printLines(yourTurnLines(waiting));
    if (result.failed.length) {
      printError(
        `out of attempts: ${result.failed.join(", ")}`,
        "See `fleet show <id>`; `fleet retry <id>` gives it new attempts.",
      );
      return EXIT.problems;
    }
    if (values["until-idle"] && waiting.length) {
      if (values.json)
        process.stdout.write(
          `${JSON.stringify({ event: "your-turn", tasks: waiting.map(({ id, state, turn }) => ({ id, state, ...turn })) })}\n`,
        );
      return EXIT.yourTurn;
    }
    return EXIT.ok;
  } finally {
    await notifier?.close();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
