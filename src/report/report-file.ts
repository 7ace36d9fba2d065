/**
 * Writing the report to the file `config.md` names (`report.file`) after each drain, so a person finds
 * the night's summary in the morning without running anything. Reads `.fleet/` and git; writes that one
 * file (atomically), never inside `.fleet/` or `.git/`.
 */
import path from "node:path";
import { FleetError } from "../errors.js";
import { writeFileAtomically } from "../store/atomic-write.js";
import type { FleetPaths } from "../store/paths.js";
import { readConfig } from "../store/read-records.js";
import { buildReport } from "./build-report.js";
import { formatReport } from "./format-report.js";

/**
 * Writes the markdown report for `[since, now]` to `report.file` when config.md sets it.
 * @returns the absolute path written, or null when no file is configured.
 * @throws FleetError("invalid") when the path points into `.fleet/` or `.git/`; fs errors when writing fails.
 */
export async function writeReportFile(
  paths: FleetPaths,
  since: string,
  now = new Date(),
): Promise<string | null> {
  const file = readConfig(paths).report.file;
  if (file === null) return null;
  const abs = path.resolve(paths.root, file);
  const rel = path.relative(paths.root, abs).split(path.sep);
  if (rel[0] === ".fleet" || rel[0] === ".git") {
    throw new FleetError("invalid", `.fleet/config.md (report.file): ${file} is inside ${rel[0]}/`, {
      hint: "Write the report outside .fleet/ and .git/, e.g. `report: { file: fleet-report.md }`.",
    });
  }
  const report = await buildReport(paths, since, now.toISOString());
  await writeFileAtomically(abs, formatReport(report, "markdown"));
  return abs;
}
