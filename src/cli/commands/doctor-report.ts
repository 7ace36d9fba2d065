/** Printing a `fleet doctor` result as lines: shared by `fleet doctor` and the end of `fleet init`. */
import type { DoctorResult } from "../../commands/doctor.js";

/** The report as lines: the deep steps (when run), then every problem with where, what and the fix. */
export function doctorLines(result: DoctorResult): string[] {
  const out: string[] = [];
  const deep = result.deep;
  if (deep) {
    const line = (s: NonNullable<typeof deep>["steps"][number]) => {
      const mark = s.verdict === "pass" ? "ok  " : s.verdict === "fail" ? "FAIL" : "skip";
      const took = s.durationMs ? ` (${(s.durationMs / 1000).toFixed(1)} s)` : "";
      return `  ${mark} ${s.step}: ${s.what}${took}`;
    };
    const agents = deep.steps.filter((s) => s.step.startsWith("agent "));
    const rest = deep.steps.filter((s) => !s.step.startsWith("agent "));
    if (agents.length) out.push("Agents' CLIs:", ...agents.map(line));
    out.push(
      deep.commit
        ? `In a clean checkout of the base tip (${deep.commit.slice(0, 12)}):`
        : "No clean checkout: the base branch has no commit.",
      ...rest.map(line),
      "",
    );
  }
  const where = (p: DoctorResult["problems"][number]) =>
    `${p.file}${p.line !== undefined ? `:${p.line}` : ""}${p.field ? ` (${p.field})` : ""}`;
  const warnings = (): string[] => {
    const w = result.warnings ?? [];
    if (!w.length) return [];
    const lines = ["", `${w.length} warning${w.length === 1 ? "" : "s"} (not problems):`];
    for (const p of w) lines.push("", `  ${where(p)}`, `    ${p.message}`, `    fix: ${p.fix}`);
    return lines;
  };
  if (result.ok) {
    out.push(`Checked ${result.files} files in .fleet/${deep ? " and the checkout" : ""}: no problems.`);
    out.push(...warnings());
    return out;
  }
  const n = result.problems.length;
  out.push(
    `${n} problem${n === 1 ? "" : "s"} (${result.files} files in .fleet/ checked${deep ? ", and a clean checkout" : ""}):`,
  );
  for (const p of result.problems) {
    out.push(
      "",
      `  ${where(p)}`,
      ...p.message.split("\n").map((l, i) => (i === 0 ? `    ${l}` : `      | ${l}`)),
      `    fix: ${p.fix}`,
    );
  }
  out.push(...warnings());
  return out;
}
