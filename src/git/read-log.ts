/**
 * Reading the audit trail back: every fleet commit carries `Fleet-*` trailers (design.md §3), so the
 * story of a task is `git log --grep '^Fleet-Task: <id>$'`, parsed here from
 * `%(trailers:only,unfold)`. Nothing but git history is read; a person's own commits are skipped.
 */
import { assertValidId } from "../store/ids.js";
import { headCommit } from "./repo.js";
import { git } from "./run-git.js";
import { carriedTrailers, parseTrailers } from "./trailers.js";

/** One fleet commit. `date` is the author date (ISO 8601); `task` is null for store-wide events (`fleet init`). */
export interface LogEntry {
  commit: string;
  date: string;
  /** `Name <email>` of the commit's author. */
  author: string;
  subject: string;
  /** The message between the subject and the trailers (a reason, a question and answer), or "". */
  body: string;
  task: string | null;
  phase: string | null;
  event: string | null;
  /** `Fleet-By`: the person, for commands a person ran. */
  by: string | null;
  /** `Fleet-Agent`, e.g. `planner (claude-code, claude-sonnet-4-5)`. */
  agent: string | null;
  run: number | null;
  /** `Fleet-Cost-USD`, in US dollars. */
  cost_usd: number | null;
  /** Every trailer of the commit, `Fleet-*` and others. */
  trailers: Record<string, string>;
  /**
   * True for an event whose files a later event's commit carried (a `Fleet-Carried` trailer, e.g. a
   * research run that handed over to the planner, recorded by the `proposed` commit): `commit` is
   * that commit, listed once per event it records.
   */
  carried: boolean;
}

/** Options of {@link readLog}. */
export interface ReadLogOptions {
  /** Only this task's commits. */
  task?: string;
  /** Only the newest `limit` commits. */
  limit?: number;
}

const FIELD = "\x1f";
const RECORD = "\x1e";

function toNumber(text: string | undefined): number | null {
  if (text === undefined || text === "") return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** Removes the trailer block (the last paragraph, when it holds exactly the trailers) from a commit body. */
function bodyWithoutTrailers(body: string, trailers: string): string {
  const text = body.trimEnd();
  const block = trailers.trim();
  if (block !== "" && text.endsWith(block)) return text.slice(0, -block.length).trim();
  return text.trim();
}

/**
 * The fleet commits reachable from HEAD, oldest first (with `limit`: the newest `limit`, still oldest
 * first). An unborn branch has none.
 * @throws FleetError("invalid") for a malformed task id; GitError when git fails.
 */
export async function readLog(cwd: string, opts: ReadLogOptions = {}): Promise<LogEntry[]> {
  if (opts.task !== undefined) assertValidId(opts.task);
  if ((await headCommit(cwd)) === null) return [];
  const format = ["%H", "%aI", "%an <%ae>", "%s", "%b", "%(trailers:only,unfold)"].join(FIELD) + RECORD;
  const args = ["log", "--no-color", `--format=${format}`, "-E"];
  args.push(opts.task === undefined ? "--grep=^Fleet-Task: " : `--grep=^Fleet-Task: ${opts.task}$`);
  if (opts.limit !== undefined) args.push(`--max-count=${Math.max(0, Math.floor(opts.limit))}`);
  const { stdout } = await git(args, { cwd });
  const entries: LogEntry[] = [];
  for (const raw of stdout.split(RECORD)) {
    const rec = raw.replace(/^\n/, "");
    if (rec.trim() === "") continue;
    const [commit = "", date = "", author = "", subject = "", body = "", trailerText = ""] = rec.split(FIELD);
    const trailers = parseTrailers(trailerText);
    const phase = trailers["Fleet-Phase"] ?? null;
    const task = trailers["Fleet-Task"] ?? null;
    if (task === null) continue;
    if (opts.task !== undefined && (task !== opts.task || phase === "fleet")) continue;
    const main: LogEntry = {
      commit,
      date,
      author,
      subject,
      body: bodyWithoutTrailers(body, trailerText),
      task: phase === "fleet" ? null : task,
      phase,
      event: trailers["Fleet-Event"] ?? null,
      by: trailers["Fleet-By"] ?? null,
      agent: trailers["Fleet-Agent"] ?? null,
      run: toNumber(trailers["Fleet-Run"]),
      cost_usd: toNumber(trailers["Fleet-Cost-USD"]),
      trailers,
      carried: false,
    };
    // Newest first here (reversed below): the commit's own event, then what it carried, newest first.
    entries.push(main);
    for (const c of carriedTrailers(trailerText).reverse()) {
      entries.push({
        ...main,
        body: "",
        phase: c.phase,
        event: c.event,
        by: null,
        agent: c.agent ?? null,
        run: c.run ?? null,
        cost_usd: c.costUsd ?? null,
        carried: true,
      });
    }
  }
  return entries.reverse();
}
