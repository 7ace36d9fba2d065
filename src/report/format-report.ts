/** The report as people read it: plain text for a terminal, or markdown for a file or a chat message. Pure. */
import { formatDuration, formatUsd } from "../units.js";
import type { DiffSize, Report } from "./summarize.js";

function size(s: DiffSize | null): string {
  return s ? `${s.files} file${s.files === 1 ? "" : "s"}, +${s.added} −${s.removed}` : "size unknown";
}

/** `text` ending as a sentence: a full stop added unless it already ends with one, `?` or `!`. */
function sentence(text: string): string {
  return /[.?!]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`;
}

function window(r: Report): string {
  return `${r.since.replace("T", " ").replace(/\.\d+Z$|Z$/, "")} → ${r.until.replace("T", " ").replace(/\.\d+Z$|Z$/, "")} UTC`;
}

/** Renders `r`; `markdown` uses headings, lists and code spans, `text` indented plain lines. */
export function formatReport(r: Report, form: "text" | "markdown"): string {
  const md = form === "markdown";
  const out: string[] = [];
  const head = (title: string) =>
    out.push("", md ? `## ${title}` : title.includes(":") ? title : `${title}:`);
  const item = (text: string) => out.push(md ? `- ${text}` : `  ${text}`);
  const code = (text: string) => (md ? `\`${text.replace(/`/g, "'")}\`` : text);
  out.push(md ? `# Fleet report, ${window(r)}` : `fleet report, ${window(r)}`);
  head(`Shipped (${r.shipped.length})`);
  if (r.shipped.length === 0) item("nothing");
  for (const t of r.shipped) {
    item(
      `${code(t.id)} ${t.title} — ${code(t.commit.slice(0, 10))}, ${size(t.size)}${t.cost_usd > 0 ? `, ${formatUsd(t.cost_usd)}` : ""}${t.with_children_usd !== undefined ? `, ${formatUsd(t.with_children_usd)} with its children` : ""}`,
    );
  }
  head(`Waiting for you (${r.waiting.length})`);
  if (r.waiting.length === 0) item("nothing");
  for (const t of r.waiting)
    item(`${code(t.id)} ${t.title} — ${t.phase} / ${t.status}: ${sentence(t.why)} Next: ${code(t.next)}`);
  head(`Failed (${r.failed.length})`);
  if (r.failed.length === 0) item("nothing");
  for (const t of r.failed) {
    item(
      `${code(t.id)} ${t.title} — ${t.phase}, ${t.attempts} attempt${t.attempts === 1 ? "" : "s"}: ${sentence(t.reason ?? "no reason recorded")} Next: ${code(t.next)}`,
    );
  }
  if (r.failed_runs.length > 0) {
    head(`Attempts that did not pass (${r.failed_runs.length})`);
    for (const f of r.failed_runs)
      item(`${code(f.id)} run ${f.seq} (${f.phase}): ${f.outcome}${f.reason ? ` — ${f.reason}` : ""}`);
  }
  head(`Cost: ${formatUsd(r.cost.total_usd)}`);
  for (const t of r.cost.per_task) item(`${code(t.id)} ${formatUsd(t.cost_usd)}`);
  const outcomes = Object.entries(r.runs.by_outcome)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, n]) => `${n} ${k}`)
    .join(", ");
  head(`Runs: ${r.runs.total}${outcomes ? ` (${outcomes})` : ""}; try-later: ${r.runs.try_later}`);
  for (const p of r.phases)
    item(`${p.phase}: ${p.runs} run${p.runs === 1 ? "" : "s"}, ${formatDuration(p.ms)}`);
  return `${out.join("\n")}\n`;
}
