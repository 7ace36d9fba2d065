/** `fleet watch` — the foreground daemon; the work is in `src/watcher/daemon.ts`. */
import { getRunner } from "../../agents/index.js";
import { startNotifier } from "../../notify/notifier.js";
import { runDaemon } from "../../watcher/daemon.js";
import { EXIT } from "../exit-codes.js";
import { printError, useColor } from "../output.js";
import { parseCommand } from "./args.js";
import { eventJson, formatEventLine } from "./event-line.js";
import { printReportSince, reportAfterDrain } from "./report.js";

export const usage = `Usage: fleet watch [--rescan-only] [--json]

Runs the fleet in the foreground: watches .fleet/ and starts research, plan and implement as tasks
become ready (status ready, dependencies done, touches free, a slot under \`concurrency\`, plans
approved). Prints one line per event: time, task, phase, agent, what happened, elapsed time.

One daemon per clone: a second \`fleet watch\` (or \`fleet run\`) names the pid and host holding it
and exits 5. On start it recovers from a crash: agents left behind are killed, stale claims
released, interrupted runs recorded and their tasks made ready again.

Ctrl-C or SIGTERM stops claiming, ends the running agents (their runs are recorded as interrupted,
not as attempts), releases the claims, prints the report of what happened while it ran (like
\`fleet report\`) and exits 0. A second Ctrl-C quits at once (the next start
cleans up).

Options:
  --rescan-only   do not watch files; only reconcile every \`rescan\` (config.md) — for file systems
                  without change events (some network mounts)
  --json          print each event as one JSON line

Exit codes: 0 stopped · 3 no repository or .fleet/ · 5 another daemon holds this clone (or took it over)
`;

/** Runs `fleet watch` until SIGINT/SIGTERM; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommand(
    "watch",
    argv,
    { "rescan-only": { type: "boolean" }, json: { type: "boolean" } },
    { min: 0, max: 0, names: "" },
  );
  const started = new Date().toISOString();
  const stop = new AbortController();
  const color = !values.json && useColor();
  let signals = 0;
  const onSignal = () => {
    signals++;
    if (signals > 1) process.exit(130);
    process.stderr.write("fleet: stopping — ending running agents (Ctrl-C again to quit at once)\n");
    stop.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // No repository, no .fleet/ or a broken config.md: the daemon itself says so, below.
  const notifier = await startNotifier({ cwd: process.cwd(), onError: (m) => printError(m) }).catch(
    () => null,
  );
  try {
    const result = await runDaemon({
      cwd: process.cwd(),
      mode: "watch",
      events: !values["rescan-only"],
      signal: stop.signal,
      getRunner,
      command: "fleet watch",
      onEvent: (e) => {
        process.stdout.write(`${values.json ? eventJson(e) : formatEventLine(e, color)}\n`);
        notifier?.observe(e);
      },
      onIdle: () => void reportAfterDrain(process.cwd(), started),
    });
    if (result.leaseLost) {
      printError(
        `lost this clone's daemon lease: ${result.leaseLost}`,
        "Another daemon took over; this one stopped.",
      );
      return EXIT.locked;
    }
    if (!values.json) await printReportSince(process.cwd(), started);
    return EXIT.ok;
  } finally {
    await notifier?.close();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
