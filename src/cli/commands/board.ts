/** `fleet board` — argv and printing; the work is in `src/board/start-board.ts`. */
import { startBoard } from "../../board/start-board.js";
import { EXIT } from "../exit-codes.js";
import { printError } from "../output.js";
import { intOption, parseCommand } from "./args.js";

export const usage = `Usage: fleet board [--port N] [--no-open] [--host <addr> --expose]

A live board of this repository in your browser: columns by phase, what waits for you first, each
task's idea, research, plan (as the diff of the commit that proposed it), acceptance checks, runs
with their gate verdicts, and the shipped diff. Its buttons — approve, reject, answer, ready,
retry, drop — do exactly what the same fleet commands do: one commit each, under your git identity.
It updates as .fleet/ changes (run \`fleet watch\` beside it to see tasks move).

It listens on 127.0.0.1 only and prints a URL with a secret token made at each start: anyone with
that URL can act as you, so do not share it. Ctrl-C stops it.

Options:
  --port <N>      listen on this port (default: any free one)
  --no-open       do not open the browser; only print the URL
  --host <addr>   bind another interface (needs --expose: the board acts as you)
  --expose        allow --host to be a non-loopback address

Example:
  fleet watch &  fleet board

Exit codes: 0 stopped · 2 usage · 3 no repository or .fleet/ · 5 the port is in use
`;

/** Runs `fleet board` until SIGINT/SIGTERM; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommand(
    "board",
    argv,
    {
      port: { type: "string" },
      "no-open": { type: "boolean" },
      host: { type: "string" },
      expose: { type: "boolean" },
    },
    { min: 0, max: 0, names: "" },
  );
  const board = await startBoard({
    cwd: process.cwd(),
    port: values.port === undefined ? 0 : intOption("board", "--port", values.port, 1, 65535),
    host: values.host ?? "127.0.0.1",
    exposed: values.expose === true,
    open: !values["no-open"],
    onError: (err) => printError(`board: ${err.message}`),
  });
  process.stdout.write(
    `fleet board: ${board.url}\n(Ctrl-C to stop; the URL's token lets whoever has it act as you)\n`,
  );
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await board.close();
  return EXIT.ok;
}
