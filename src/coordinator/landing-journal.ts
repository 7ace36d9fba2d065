/**
 * A redo journal that makes a landing all-or-nothing. A landing changes several files (artifacts, the
 * run record, the task) and then commits them; a crash between those steps would leave, say, a run
 * record that says `finished` beside a task that still says `running` — and recovery would run the
 * phase again. So the landing first writes everything it is about to do into
 * `fleet/landing/<id>.json` (fsynced), then applies it and commits, then deletes the journal. On
 * restart, a journal that is still there is applied again — every step is idempotent — and committed
 * under its own event: the transition is finished, never half done.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { isErrnoError } from "../errors.js";
import { failpoint } from "../failpoints/failpoint.js";
import { commitFleet } from "../git/commit-fleet.js";
import type { Repo } from "../git/repo.js";
import type { FleetEvent } from "../git/trailers.js";
import { assertWritable, writeAtomicSync, writeFileAtomically } from "../store/atomic-write.js";
import { FLEET_DIR, runtimePaths } from "../store/paths.js";

/** One landing, as the list of its effects. Paths are relative to the repository root, under `.fleet/`. */
export interface LandingJournal {
  task: string;
  epoch: number;
  /** Folders emptied first (e.g. `.fleet/acceptance/<id>`). */
  removeDirs: string[];
  /** Files written next, in order; binary content as base64. */
  writes: { rel: string; text?: string; base64?: string }[];
  /** The commit that records it. */
  event: FleetEvent;
  /** Defer the commit to the task's next one (land.ts `handsOver`). */
  defer?: boolean;
}

function journalDir(commonDir: string): string {
  return path.join(runtimePaths(commonDir).dir, "landing");
}

function checkRel(rel: string): string {
  const norm = path.posix.normalize(rel);
  if (!norm.startsWith(`${FLEET_DIR}/`)) throw new Error(`a landing writes only under ${FLEET_DIR}/: ${rel}`);
  return norm;
}

/** Writes the journal durably (temp file, fsync, rename, fsync of the folder). */
export async function writeJournal(commonDir: string, j: LandingJournal): Promise<void> {
  await writeFileAtomically(path.join(journalDir(commonDir), `${j.task}.json`), JSON.stringify(j));
}

/** Every journal left by a landing that did not finish. */
export function readJournals(commonDir: string): LandingJournal[] {
  let names: string[];
  try {
    names = readdirSync(journalDir(commonDir)).filter((n) => n.endsWith(".json"));
  } catch (err) {
    if (isErrnoError(err, "ENOENT")) return [];
    throw err;
  }
  const out: LandingJournal[] = [];
  for (const name of names.sort()) {
    try {
      out.push(JSON.parse(readFileSync(path.join(journalDir(commonDir), name), "utf8")) as LandingJournal);
    } catch {
      // A torn journal was never complete, so its landing never started: drop it.
      rmSync(path.join(journalDir(commonDir), name), { force: true });
    }
  }
  return out;
}

/**
 * Applies `j` to the work tree and commits it, then deletes the journal. Call under the state lock.
 * @returns the commit, or null when there was nothing left to commit (already committed).
 */
export async function applyJournal(repo: Repo, j: LandingJournal): Promise<string | null> {
  const touched: string[] = [];
  for (const dir of j.removeDirs) {
    rmSync(path.join(repo.root, checkRel(dir)), { recursive: true, force: true });
    touched.push(checkRel(dir));
  }
  for (const w of j.writes) {
    const abs = path.join(repo.root, checkRel(w.rel));
    if (w.text !== undefined) await writeFileAtomically(abs, w.text);
    else {
      mkdirSync(path.dirname(abs), { recursive: true });
      assertWritable(abs);
      writeAtomicSync(abs, Buffer.from(w.base64 ?? "", "base64"));
    }
    touched.push(checkRel(w.rel));
  }
  failpoint("after-write-before-commit");
  // Only the emptied folders may record deletions: a file we just wrote that is gone was removed by
  // a person (rm -rf .fleet) and stays as HEAD has it.
  const commit = await commitFleet(repo, {
    event: j.event,
    paths: [...new Set(touched)],
    mayDelete: j.removeDirs.map(checkRel),
    ...(j.defer ? { defer: true } : {}),
  });
  rmSync(path.join(journalDir(repo.commonDir), `${j.task}.json`), { force: true });
  return commit;
}
