/**
 * Reads what a plan approval covers — `plans/<id>.md`, `acceptance/<id>.md`, every file under
 * `acceptance/<id>/` and every file under `plans/<id>/` (the child tasks a fanned-out plan proposes,
 * `plans/<id>/children/<slug>.md`) — and hashes it with {@link approvalHash} (see `src/lifecycle/approval-hash.ts`
 * for the exact scheme). Used by `fleet approve`, `fleet show` and `fleet doctor`.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { isErrnoError } from "../errors.js";
import {
  APPROVAL_FIELDS,
  approvalHash,
  type HashInput,
  recordHashContent,
} from "../lifecycle/approval-hash.js";
import { acceptanceFilesDir, type FleetPaths, planPath, relativeToRoot } from "../store/paths.js";
import type { Loaded, Problem } from "../store/read-file.js";
import { readAcceptance, readPlan } from "../store/read-records.js";
import type { Acceptance, Plan } from "../store/schemas/artifacts.js";

/** The approval's subject as found on disk. `sha256` is null when the plan or acceptance is missing or invalid. */
export interface ApprovalInputs {
  plan: Loaded<Plan> | null;
  acceptance: Loaded<Acceptance> | null;
  /** Files under `acceptance/<id>/`, relative to the repository root, sorted. */
  files: string[];
  /** Files under `plans/<id>/` (proposed children), relative to the repository root, sorted. */
  childFiles: string[];
  problems: Problem[];
  sha256: string | null;
}

/** Every regular file under `dir` (recursively), absolute, sorted; [] when it does not exist. */
function listFiles(dir: string): string[] {
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if (isErrnoError(err, "ENOENT") || isErrnoError(err, "ENOTDIR")) return [];
    throw err;
  }
  const out: string[] = [];
  for (const e of entries) {
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(abs));
    else if (e.isFile()) out.push(abs);
  }
  return out.sort();
}

/** Reads plan, acceptance and check files of task `id` and computes their approval hash. */
export function readApprovalInputs(paths: FleetPaths, id: string): ApprovalInputs {
  const problems: Problem[] = [];
  const plan = readPlan(paths, id, problems);
  const acceptance = readAcceptance(paths, id, problems);
  const abs = listFiles(acceptanceFilesDir(paths, id));
  const files = abs.map((f) => relativeToRoot(paths.root, f));
  const childAbs = listFiles(planPath(paths, id).slice(0, -".md".length));
  const childFiles = childAbs.map((f) => relativeToRoot(paths.root, f));
  let sha256: string | null = null;
  if (plan && acceptance) {
    const raw = (list: string[], rel: string[]) =>
      list.map((f, i) => ({ path: rel[i] ?? f, content: readFileSync(f) }));
    const inputs: HashInput[] = [
      { path: plan.file, content: recordHashContent(plan.record, plan.body, APPROVAL_FIELDS) },
      { path: acceptance.file, content: recordHashContent(acceptance.record, acceptance.body) },
      ...raw(abs, files),
      ...raw(childAbs, childFiles),
    ];
    sha256 = approvalHash(inputs);
  }
  return { plan, acceptance, files, childFiles, problems, sha256 };
}
