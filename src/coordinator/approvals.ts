/**
 * Which tasks have a current plan approval, for {@link decide}: implement may only start on a plan
 * whose recorded `approval.sha256` still matches the approval hash of plan + acceptance + check files
 * (`src/lifecycle/approval-hash.ts`) — any change since the approval voids it — unless
 * `review.plan: auto`. The hash is recomputed only when one of those files' stat changed.
 */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { readApprovalInputs } from "../commands/approval-inputs.js";
import { approvalState } from "../lifecycle/approval-hash.js";
import { acceptanceFilesDir, acceptancePath, type FleetPaths, planPath } from "../store/paths.js";

function stamp(file: string): string {
  const st = statSync(file, { throwIfNoEntry: false });
  return st ? `${st.mtimeMs}:${st.size}:${st.ino}` : "-";
}

function stampTree(dir: string): string {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return "";
  }
  return names.map((n) => `${n}=${stamp(path.join(dir, n))}[${stampTree(path.join(dir, n))}]`).join(",");
}

/** Caches each task's approval state by the stat of the files it covers. */
export class ApprovalCache {
  private readonly entries = new Map<string, { key: string; approved: boolean }>();

  constructor(private readonly paths: FleetPaths) {}

  /** True when `plans/<id>.md` carries an approval whose hash matches the files as they are now. */
  isApproved(id: string): boolean {
    const plan = stamp(planPath(this.paths, id));
    if (plan === "-") {
      this.entries.delete(id);
      return false;
    }
    const folder = planPath(this.paths, id).slice(0, -".md".length);
    const key = `${plan}|${stamp(acceptancePath(this.paths, id))}|${stampTree(acceptanceFilesDir(this.paths, id))}|${stampTree(folder)}`;
    const old = this.entries.get(id);
    if (old?.key === key) return old.approved;
    const inputs = readApprovalInputs(this.paths, id);
    const approved =
      inputs.sha256 !== null && approvalState(inputs.plan?.record.approval, inputs.sha256) === "valid";
    this.entries.set(id, { key, approved });
    return approved;
  }
}
