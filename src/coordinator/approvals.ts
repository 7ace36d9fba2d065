/**
 * Which tasks have a current plan approval, for {@link decide}: implement may only start on an
 * approved plan (unless `review.plan: auto`). Plans are re-read only when their file changed.
 */
import { statSync } from "node:fs";
import { type FleetPaths, planPath } from "../store/paths.js";
import { readPlan } from "../store/read-records.js";

interface Entry {
  mtimeMs: number;
  size: number;
  approved: boolean;
}

/** Caches each plan's approval by file stat. */
export class ApprovalCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly paths: FleetPaths) {}

  /** True when `plans/<id>.md` exists, validates and carries an `approval`. */
  isApproved(id: string): boolean {
    let st: { mtimeMs: number; size: number };
    try {
      st = statSync(planPath(this.paths, id));
    } catch {
      this.entries.delete(id);
      return false;
    }
    const old = this.entries.get(id);
    if (old && old.mtimeMs === st.mtimeMs && old.size === st.size) return old.approved;
    const plan = readPlan(this.paths, id);
    const approved = plan?.record.approval != null;
    this.entries.set(id, { mtimeMs: st.mtimeMs, size: st.size, approved });
    return approved;
  }
}
