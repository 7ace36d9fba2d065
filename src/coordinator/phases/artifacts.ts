/**
 * Turning what an agent wrote into `.fleet/` records: validate against the phase's schema and stamp
 * provenance (task, base commit, agent, run, time). Fields the coordinator owns — provenance,
 * `approval`, `rejection`, `ship_approval` — are never taken from the agent's frontmatter, so an
 * agent cannot approve its own plan.
 */
import { lstatSync, readdirSync } from "node:fs";
import path from "node:path";
import { renameAcceptanceFiles } from "../../lifecycle/acceptance-names.js";
import { stringifyFrontmatter } from "../../store/frontmatter.js";
import {
  acceptanceFilesDir,
  acceptancePath,
  planPath,
  relativeToRoot,
  researchPath,
} from "../../store/paths.js";
import { type Problem, parseText, validateRecord } from "../../store/read-file.js";
import { readOutputFile } from "../../store/read-output-file.js";
import { acceptanceSchema, planSchema, researchSchema } from "../../store/schemas/artifacts.js";
import { nowTimestamp } from "../../store/schemas/common.js";
import { LAYOUT } from "../../store/write-records.js";
import type { FileWrite, Job } from "../job.js";

const RESERVED = ["task", "base_commit", "agent", "run", "created", "approval", "rejection", "ship_approval"];
/** Limits on the `acceptance/` folder an agent may hand in. */
const MAX_FILES = 200;
const MAX_BYTES = 5 * 1024 * 1024;

/** A stamped artifact, or the reason it was refused (which becomes the attempt's feedback). */
export type Made = { ok: true; writes: FileWrite[] } | { ok: false; reason: string };

function describe(problems: Problem[]): string {
  return problems.map((p) => `${p.file}${p.field ? ` (${p.field})` : ""}: ${p.message}`).join("; ");
}

/** Parses an output file into its frontmatter fields (minus reserved ones) and body. */
function parseOutput(
  name: string,
  text: string,
): { ok: true; data: Record<string, unknown>; body: string } | { ok: false; reason: string } {
  const parsed = parseText(name, text);
  if (!parsed.ok) return { ok: false, reason: describe(parsed.problems) };
  if (typeof parsed.data !== "object" || parsed.data === null || Array.isArray(parsed.data))
    return { ok: false, reason: `${name}: frontmatter must be a YAML mapping` };
  const data = { ...(parsed.data as Record<string, unknown>) };
  for (const key of RESERVED) delete data[key];
  return { ok: true, data, body: parsed.body };
}

function provenance(job: Job, baseCommit: string) {
  return {
    task: job.task.id,
    base_commit: baseCommit,
    agent: job.action.agent,
    run: job.seq,
    created: nowTimestamp(job.started),
  };
}

/** `research/<id>.md` from the agent's `research.md`. */
export function makeResearch(job: Job, text: string, baseCommit: string): Made {
  const out = parseOutput("research.md", text);
  if (!out.ok) return out;
  if (!out.body.trim()) return { ok: false, reason: "research.md is empty: write the findings as markdown" };
  const checked = validateRecord(
    researchSchema,
    "research.md",
    { ...out.data, ...provenance(job, baseCommit) },
    out.body,
  );
  if (!checked.ok) return { ok: false, reason: describe(checked.problems) };
  const rel = relativeToRoot(job.paths.root, researchPath(job.paths, job.task.id));
  return {
    ok: true,
    writes: [{ rel, content: stringifyFrontmatter(checked.value.record, out.body, LAYOUT.research) }],
  };
}

/** Files under `dir` (recursively), as paths relative to it; refuses links, special files and excess. */
function listFiles(dir: string): { ok: true; files: string[] } | { ok: false; reason: string } {
  const files: string[] = [];
  let bytes = 0;
  const walk = (rel: string): string | null => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(path.join(dir, r));
      if (st.isDirectory()) {
        const err = walk(r);
        if (err) return err;
      } else if (st.isFile() && st.nlink === 1) {
        files.push(r);
        bytes += st.size;
      } else
        return `acceptance/${r} is not a regular file of its own (symbolic and hard links are not accepted)`;
      if (files.length > MAX_FILES || bytes > MAX_BYTES)
        return `acceptance/ holds more than ${MAX_FILES} files or ${MAX_BYTES / 1024 / 1024} MiB`;
    }
    return null;
  };
  const err = walk("");
  return err ? { ok: false, reason: err } : { ok: true, files };
}

/**
 * `plans/<id>.md`, `acceptance/<id>.md` and `acceptance/<id>/…` from the agent's `plan.md`,
 * `acceptance.md` and optional `acceptance/` folder. The acceptance must have at least one check.
 * Files named the way test runners look for tests are renamed, with the references to them
 * (lifecycle/acceptance-names.ts); a check that cannot follow the new name refuses the plan.
 */
export function makePlan(job: Job, planText: string, acceptanceText: string, baseCommit: string): Made {
  const plan = parseOutput("plan.md", planText);
  if (!plan.ok) return plan;
  if (!plan.body.trim()) return { ok: false, reason: "plan.md is empty: write the plan as markdown" };
  const acc = parseOutput("acceptance.md", acceptanceText);
  if (!acc.ok) return acc;
  const id = job.task.id;
  const planRecord = {
    ...plan.data,
    ...provenance(job, baseCommit),
    approval: null,
    rejection: null,
    ship_approval: null,
  };
  const checkedPlan = validateRecord(planSchema, "plan.md", planRecord, plan.body);
  if (!checkedPlan.ok) return { ok: false, reason: describe(checkedPlan.problems) };
  const checkedAcc = validateRecord(acceptanceSchema, "acceptance.md", { ...acc.data, task: id }, acc.body);
  if (!checkedAcc.ok) return { ok: false, reason: describe(checkedAcc.problems) };
  const { paths } = job;
  const folder = path.join(job.outputDir, "acceptance");
  let isDir = false;
  try {
    isDir = lstatSync(folder).isDirectory();
  } catch {
    isDir = false;
  }
  let files: { rel: string; content: Buffer }[] = [];
  if (isDir) {
    const listed = listFiles(folder);
    if (!listed.ok) return listed;
    files = listed.files.map((f) => ({ rel: f, content: readOutputFile(folder, f) ?? Buffer.alloc(0) }));
  }
  const target = relativeToRoot(paths.root, acceptanceFilesDir(paths, id));
  // Files named like tests would be loaded by the project's own test runner on the base branch.
  const named = renameAcceptanceFiles(
    { files, checks: checkedAcc.value.record.checks, body: acc.body },
    target,
  );
  if (!named.ok) return named;
  const writes: FileWrite[] = [
    {
      rel: relativeToRoot(paths.root, planPath(paths, id)),
      content: stringifyFrontmatter(checkedPlan.value.record, plan.body, LAYOUT.plan),
    },
    {
      rel: relativeToRoot(paths.root, acceptancePath(paths, id)),
      content: stringifyFrontmatter(
        { ...checkedAcc.value.record, checks: named.checks },
        named.body,
        LAYOUT.acceptance,
      ),
    },
  ];
  for (const f of named.files) writes.push({ rel: `${target}/${f.rel}`, content: f.content });
  return { ok: true, writes };
}
