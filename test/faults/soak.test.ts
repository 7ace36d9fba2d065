/**
 * Random `kill -9` of a running `fleet watch` while it drains, then a calm daemon to finish, then the
 * checker. CI runs a small drain (4 tasks, 12 kills); `npm run soak` sets FLEET_SOAK_TASKS=30 and
 * FLEET_SOAK_KILLS=200. Either way it prints the table: faults injected, tasks lost, double runs,
 * stale landings, duplicate ships, leftovers, and recovery time (start of a daemon to the end of its
 * recovery and first scan, node start-up included) p50 / p99 / max.
 */
import { describe, expect, it } from "vitest";
import { fleetPaths } from "../../src/store/paths.js";
import { readRuns } from "../../src/store/read-records.js";
import { readTasks } from "../../src/store/read-tasks.js";
import { startFleet, waitFor } from "../e2e/daemon-helpers.js";
import { gitOut } from "../helpers/temp-repo.js";
import { checkFleet, type FaultFleet, faultFleet } from "./fault-fleet.js";

const TASKS = Number(process.env.FLEET_SOAK_TASKS ?? 4);
const KILLS = Number(process.env.FLEET_SOAK_KILLS ?? 12);
/** A seeded generator, so a failing soak can be run again the same way (FLEET_SOAK_SEED). */
const SEED = Number(process.env.FLEET_SOAK_SEED ?? 20261201);

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const quantile = (sorted: number[], q: number) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN);

/** The figures of the table, counted from git and the records (not from what the daemon said). */
function figures(f: FaultFleet) {
  const paths = fleetPaths(f.root);
  const tasks = readTasks(paths).tasks;
  const lost = f.ids.filter((id) => !tasks.has(id)).length;
  let doubleRuns = f.logLines().filter((l) => l.startsWith("OVERLAP")).length;
  let staleLandings = 0;
  let duplicateShips = 0;
  for (const id of f.ids) {
    const finished = new Map<string, number>();
    for (const r of readRuns(paths, id))
      if (r.record.outcome === "finished")
        finished.set(r.record.phase, (finished.get(r.record.phase) ?? 0) + 1);
    for (const n of finished.values()) doubleRuns += n - 1;
    // A landing from an older epoch after a newer one: the Fleet-Epoch trailers of the task's history go back.
    const epochs = gitOut(
      f.root,
      "log",
      "--reverse",
      `--grep=^Fleet-Task: ${id}$`,
      "--format=%(trailers:key=Fleet-Epoch,valueonly)",
    )
      .split("\n")
      .filter(Boolean)
      .map(Number);
    for (let i = 1; i < epochs.length; i++) if ((epochs[i] ?? 0) < (epochs[i - 1] ?? 0)) staleLandings++;
    const adds = gitOut(f.root, "log", "--format=%H", "--diff-filter=A", "main", "--", `${id}.txt`)
      .split("\n")
      .filter(Boolean);
    if (adds.length > 1) duplicateShips += adds.length - 1;
  }
  return { lost, doubleRuns, staleLandings, duplicateShips };
}

describe("random kill -9 over a drain", () => {
  it(`${KILLS} kills over a ${TASKS}-task drain lose nothing and duplicate nothing`, {
    timeout: 60 * 60_000,
  }, async () => {
    const f = faultFleet(TASKS);
    const rand = random(SEED);
    const recoveries: number[] = [];
    let kills = 0;
    while (kills < KILLS) {
      // Every fourth daemon is timed: watched until its recovery and first scan are over, then killed
      // a moment later; the others are killed at a random instant, recovering or mid-run.
      const timed = kills % 4 === 3;
      const t0 = Date.now();
      const d = startFleet(f.root);
      if (timed) {
        await waitFor(
          "recovery and the first scan",
          () => d.out().includes("scanned"),
          60_000,
          () => d.err(),
        );
        recoveries.push(Date.now() - t0);
      }
      await new Promise((r) => setTimeout(r, (timed ? 0 : 150) + Math.floor(rand() * (timed ? 1000 : 1850))));
      d.child.kill("SIGKILL");
      await d.exited;
      kills++;
    }
    const calm = startFleet(f.root);
    const t1 = Date.now();
    await waitFor(
      "recovery and the first scan",
      () => calm.out().includes("scanned"),
      60_000,
      () => calm.err(),
    );
    recoveries.push(Date.now() - t1);
    await waitFor(
      "every task shipped",
      () => f.ids.every((id) => f.task(id).phase === "done"),
      Math.max(120_000, TASKS * 20_000),
      () =>
        f.ids.map((id) => `${id}: ${f.task(id).phase} / ${f.task(id).status}`).join(", ") +
        `\n${calm.out()}\n${calm.err()}`,
    );
    calm.child.kill("SIGTERM");
    expect(await calm.exited).toBe(0);

    const fig = figures(f);
    let leftovers = 0;
    try {
      checkFleet(f);
    } catch (err) {
      leftovers = 1;
      throw err;
    } finally {
      const sorted = [...recoveries].sort((a, b) => a - b);
      const rows = [
        ["faults injected (kill -9)", String(kills)],
        ["tasks", String(TASKS)],
        ["tasks lost", String(fig.lost)],
        ["double runs", String(fig.doubleRuns)],
        ["stale landings", String(fig.staleLandings)],
        ["duplicate ships", String(fig.duplicateShips)],
        ["leftovers (checker)", String(leftovers)],
        ["recovery p50", `${quantile(sorted, 0.5)} ms`],
        ["recovery p99", `${quantile(sorted, 0.99)} ms`],
        ["recovery max", `${sorted.at(-1) ?? Number.NaN} ms`],
        ["recoveries timed", String(sorted.length)],
      ];
      const w = Math.max(...rows.map((r) => (r[0] ?? "").length));
      console.log(
        `\nsoak (seed ${SEED})\n${rows.map(([k, v]) => `  ${(k ?? "").padEnd(w)}  ${v}`).join("\n")}\n`,
      );
    }
    expect(fig).toEqual({ lost: 0, doubleRuns: 0, staleLandings: 0, duplicateShips: 0 });
  });
});
