/** `fleet report`: the morning report over a window — what shipped, failed, waits, cost; see `src/report/`. */
import { FleetError } from "../errors.js";
import { buildReport, type Report } from "../report/build-report.js";
import { parseDuration } from "../store/schemas/common.js";
import { locateFleet } from "./locate.js";

/** Options of {@link report}. `since`: a duration back from `now` (`12h`, `30m`, `2d`) or a date/time. */
export interface ReportOptions {
  cwd: string;
  since?: string;
  now?: Date;
}

/**
 * The start of the window `since` names, as an ISO timestamp.
 * @throws FleetError("usage") when it is neither a duration nor a date.
 */
export function parseSince(since: string, now: Date): string {
  const ms = /[a-z]$/i.test(since.trim()) ? parseDuration(since) : undefined;
  if (ms !== undefined) return new Date(now.getTime() - ms).toISOString();
  const at = /^\d{4}-\d{2}-\d{2}/.test(since.trim()) ? Date.parse(since) : Number.NaN;
  if (Number.isNaN(at)) {
    throw new FleetError(
      "usage",
      `fleet report: --since must be a duration (12h, 30m, 2d) or a date, not ${JSON.stringify(since)}`,
      {
        hint: "e.g. fleet report --since 12h, or --since 2026-11-21, or --since 2026-11-21T18:00:00Z",
      },
    );
  }
  return new Date(at).toISOString();
}

/**
 * Builds the report of the repository containing `opts.cwd` for the last `since` (default 12h).
 * @throws FleetError usage (bad --since), not-found / not-initialized (no repository or `.fleet/`).
 */
export async function report(opts: ReportOptions): Promise<Report> {
  const now = opts.now ?? new Date();
  const since = parseSince(opts.since ?? "12h", now);
  const { paths } = locateFleet(opts.cwd);
  return buildReport(paths, since, now.toISOString());
}
