/**
 * Fan-out at plan time (design.md §5): the planner's optional `$FLEET_OUTPUT_DIR/children/<slug>.md`
 * files, validated as hostile input (store/read-children.ts, lifecycle/children.ts) and re-serialized
 * as `.fleet/plans/<id>/children/<slug>.md` — part of the proposal commit and of the plan's approval
 * hash. A bad child file fails the attempt with a reason naming the file and field.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { type ChildProposal, decompositionProblems } from "../../lifecycle/children.js";
import { stringifyFrontmatter } from "../../store/frontmatter.js";
import { isValidId } from "../../store/ids.js";
import { childrenDir, relativeToRoot, taskPath } from "../../store/paths.js";
import { readChildren } from "../../store/read-children.js";
import { LAYOUT } from "../../store/write-records.js";
import type { FileWrite, Job } from "../job.js";

/** The children's files to land (none when the planner proposed none), or why the attempt fails. */
export type ChildrenMade =
  | { ok: true; writes: FileWrite[]; proposals: ChildProposal[] }
  | { ok: false; reason: string };

/** Reads, checks and stamps the children the planner of `job` proposed. */
export function makeChildren(job: Job): ChildrenMade {
  const read = readChildren(path.join(job.outputDir, "children"), "children");
  if (!read.ok)
    return {
      ok: false,
      reason: read.problems.map((p) => `${p.file}${p.field ? ` (${p.field})` : ""}: ${p.message}`).join("; "),
    };
  const { proposals } = read;
  if (proposals.length === 0) return { ok: true, writes: [], proposals };
  if (job.task.parent !== null)
    return {
      ok: false,
      reason: `children/: ${job.task.id} is itself a child of ${job.task.parent}, and a child task cannot fan out again (plan it as one task)`,
    };
  const exists = (id: string) => isValidId(id) && existsSync(taskPath(job.paths, id));
  const problems = decompositionProblems(proposals, exists, job.task.id);
  if (problems.length > 0) return { ok: false, reason: problems.join("; ") };
  const dir = relativeToRoot(job.paths.root, childrenDir(job.paths, job.task.id));
  const writes = proposals.map((p) => ({
    rel: `${dir}/${p.slug}.md`,
    content: stringifyFrontmatter(p.child, p.body, LAYOUT.child),
  }));
  return { ok: true, writes, proposals };
}
