/**
 * `fleet search <words>`: the tasks whose title, body, research or plan contain every word (any case).
 * Reads the files as text and only parses the ones that match, so 10,000 tasks cost about what
 * reading them costs (npm run bench compares it with `git grep` of the same words).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { FleetError, isErrnoError } from "../errors.js";
import type { FleetPaths } from "../store/paths.js";
import { readTask } from "../store/read-tasks.js";
import { locateFleet } from "./locate.js";

/** Options of {@link search}. */
export interface SearchOptions {
  cwd: string;
  /** Every word must occur (case-insensitive) somewhere in the task's files. */
  words: readonly string[];
}

/** Where a word was found: the part, its file (relative to the root) and the first matching line. */
export interface SearchHit {
  part: "task" | "research" | "plan";
  file: string;
  line: string;
}

/** One task that matched. */
export interface SearchMatch {
  id: string;
  title: string;
  phase: string;
  status: string;
  hits: SearchHit[];
}

/** The `.md` names of `dir` without the extension ([] when it is missing). */
function ids(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((n) => n.endsWith(".md"))
      .map((n) => n.slice(0, -3));
  } catch (err) {
    if (isErrnoError(err, "ENOENT")) return [];
    throw err;
  }
}

function read(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

/** The first line of `text` holding one of `words` (lower case), trimmed to 120 characters. */
function firstLine(text: string, words: readonly string[]): string {
  for (const line of text.split("\n")) {
    const lower = line.toLowerCase();
    if (words.some((w) => lower.includes(w))) {
      const t = line.trim();
      return t.length > 120 ? `${t.slice(0, 119)}…` : t;
    }
  }
  return "";
}

/**
 * Searches every task (done and dropped included), in id order.
 * @throws FleetError("usage") without a word; not-found / not-initialized outside a fleet repository.
 */
export async function search(opts: SearchOptions): Promise<SearchMatch[]> {
  const words = opts.words.flatMap((w) => w.toLowerCase().split(/\s+/)).filter(Boolean);
  if (words.length === 0)
    throw new FleetError("usage", "fleet search: nothing to search for", { hint: "fleet search rate limit" });
  const { paths } = locateFleet(opts.cwd);
  const parts = partsOf(paths);
  const out: SearchMatch[] = [];
  for (const id of ids(paths.queue).sort()) {
    const texts = parts.map((p) => {
      const raw = p.has(id) ? read(path.join(p.dir, `${id}.md`)) : null;
      return { ...p, text: raw === null ? null : searchable(raw, p.part === "task") };
    });
    const all = texts.map((t) => t.text?.toLowerCase() ?? "").join("\n");
    if (!words.every((w) => all.includes(w))) continue;
    const loaded = readTask(paths, id);
    const record = loaded?.ok ? loaded.task.record : null;
    out.push({
      id,
      title: record?.title ?? id,
      phase: record?.phase ?? "?",
      status: record?.status ?? "?",
      hits: texts
        .filter((t) => t.text !== null && words.some((w) => (t.text as string).toLowerCase().includes(w)))
        .map((t) => ({
          part: t.part,
          file: path.posix.join(".fleet", path.basename(t.dir), `${id}.md`),
          line: firstLine(t.text as string, words),
        })),
    });
  }
  return out;
}

/**
 * What a person wrote in a file: the body (after the frontmatter) and, for a task, its title — not the
 * fleet's bookkeeping (`depends_on: [rate-limit]` must not make a task match "rate").
 */
function searchable(raw: string, withTitle: boolean): string {
  const fm = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(raw);
  if (!fm) return raw;
  const body = raw.slice(fm[0].length);
  if (!withTitle) return body;
  const title = /^title:\s*(.*)$/m.exec(fm[1] ?? "")?.[1]?.replace(/^["']|["']$/g, "") ?? "";
  return `${title}\n${body}`;
}

function partsOf(paths: FleetPaths) {
  const research = new Set(ids(paths.research));
  const plans = new Set(ids(paths.plans));
  return [
    { part: "task" as const, dir: paths.queue, has: () => true },
    { part: "research" as const, dir: paths.research, has: (id: string) => research.has(id) },
    { part: "plan" as const, dir: paths.plans, has: (id: string) => plans.has(id) },
  ];
}
