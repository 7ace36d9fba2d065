/**
 * `fleet board`'s engine and the board module's one public entry point.
 *
 * The board is a local web page over the repository's `.fleet/`: columns by phase, what waits for the
 * person first, a task page with the plan as the diff of its proposal commit, and the person's actions
 * as buttons that call the same command functions as the CLI. It is served on a loopback address with a
 * secret token made at each start; live updates come from the `.fleet/` watcher over server-sent events.
 *
 * The board module may read `.fleet/`, git history and the runtime dir, serve HTTP, and change state
 * only through `src/commands/*` (the person's commands). It never runs agents; `fleet watch` does.
 */
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { serve } from "@hono/node-server";
import { locateFleet } from "../commands/locate.js";
import { FleetError } from "../errors.js";
import { boardApp } from "./board-app.js";
import { BoardCards } from "./board-cards.js";
import { startLiveEvents } from "./live-events.js";
import { openBrowser } from "./open-browser.js";

/** Options of {@link startBoard}. */
export interface BoardOptions {
  cwd: string;
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind (default `127.0.0.1`). Anything not loopback needs `exposed`. */
  host?: string;
  /** The person asked for a non-loopback interface (`--host` with `--expose`). */
  exposed?: boolean;
  /** Open the page in the person's browser once it listens (default false). */
  open?: boolean;
  /** Full rescan interval of the live feed, ms (default 30 000). */
  rescanMs?: number;
  onError?(err: Error): void;
}

/** A running board. `url` carries the secret token: whoever has it can act as the person. */
export interface RunningBoard {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

/**
 * Starts the board for the repository containing `opts.cwd` and resolves once it listens.
 * @throws FleetError usage (a non-loopback host without `exposed`), not-found / not-initialized (no
 *   repository or `.fleet/`), locked (the port is taken).
 */
export async function startBoard(opts: BoardOptions): Promise<RunningBoard> {
  const host = opts.host ?? "127.0.0.1";
  if (!LOOPBACK.has(host) && !opts.exposed) {
    throw new FleetError("usage", `fleet board: ${host} is not a loopback address`, {
      hint: "The board acts as you; serve it beyond this machine only on purpose: add --expose.",
    });
  }
  const where = locateFleet(opts.cwd);
  const cards = new BoardCards(where);
  await cards.load();
  const onError = opts.onError ?? (() => {});
  const live = startLiveEvents(where.paths.fleet, cards, { rescanMs: opts.rescanMs ?? 30_000, onError });
  const token = randomBytes(24).toString("base64url");
  const hosts = new Set<string>();
  const app = boardApp({
    token,
    hosts,
    root: where.paths.root,
    commonDir: where.commonDir,
    repoName: path.basename(where.paths.root),
    cards,
    live,
  });
  const server = serve({ fetch: app.fetch, port: opts.port ?? 0, hostname: host });
  const port = await new Promise<number>((resolve, reject) => {
    server.once("listening", () => resolve((server.address() as AddressInfo).port));
    server.once("error", (err: NodeJS.ErrnoException) => {
      void live.close();
      reject(
        err.code === "EADDRINUSE"
          ? new FleetError("locked", `fleet board: port ${opts.port} is already in use`, {
              hint: "Pick another with --port, or leave it out for a free one.",
            })
          : err,
      );
    });
  });
  const shown = host.includes(":") ? `[${host}]` : host;
  for (const h of [shown, ...(LOOPBACK.has(host) ? ["127.0.0.1", "localhost", "[::1]"] : [])]) {
    hosts.add(`${h}:${port}`);
  }
  const url = `http://${shown}:${port}/${token}/`;
  if (opts.open) openBrowser(url);
  return {
    url,
    port,
    token,
    close: async () => {
      await live.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    },
  };
}
