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
  if (result.ok) {
    out.push(`Checked ${result.files} files in .fleet/${deep ? " and the checkout" : ""}: no problems.`);
    return out;
  }
  const n = result.problems.length;
  out.push(
    `${n} problem${n === 1 ? "" : "s"} (${result.files} files in .fleet/ checked${deep ? ", and a clean checkout" : ""}):`,
  );
  for (const p of result.problems) {
    const where = `${p.file}${p.line !== undefined ? `:${p.line}` : ""}${p.field ? ` (${p.field})` : ""}`;
    out.push(
      "",
      `  ${where}`,
      ...p.message.split("\n").map((l, i) => (i === 0 ? `    ${l}` : `      | ${l}`)),
      `    fix: ${p.fix}`,
    );
  }
  return out;
}
