/**
 * The merge queue through the coordinator, with the real `script` runner and real gates: ships never
 * overlap and a ship that would wait is not started (so it holds no slot); they go in priority order;
 * with `ship: { batch: 4 }` four gated changes are judged once, and a bad one among them is found by
 * bisection and sent back to implement while the other three ship.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { getRunner } from "../../src/agents/index.js";
import type { FleetLogEvent } from "../../src/coordinator/job.js";
import { fleetPaths } from "../../src/store/paths.js";
import { readRuns } from "../../src/store/read-records.js";
import { readTask } from "../../src/store/read-tasks.js";
import { gitOut, tempDir, writeFile } from "../helpers/temp-repo.js";
import { coordinator, drain, dropIdea, fleetRepo, upToImplement } from "./helpers.js";

const FENCE = "```";

/** A fleet whose ship gates are `acceptance` and `nobad` (no `bad.js`, and each run counted in `marks`). */
function repoWith(config: string, marks: string): string {
  const root = fleetRepo(
    `review: { plan: auto }\nmax_attempts: 3\nsandbox: off\ngates: { implement: [acceptance], ship: [acceptance, nobad] }\n${config}`,
  );
  // The gate counts its runs in a file outside its checkout: only uncontained can it.
  writeFile(
    root,
    ".fleet/gates/nobad.md",
    `---\nkind: command\nrun: echo run >> ${marks}/nobad-runs && test ! -e bad.js\n---\n`,
  );
  gitOut(root, "add", "-A");
  gitOut(root, "commit", "-q", "-m", "gates");
  return root;
}

/** An idea that writes `<name>.js` (and, when `bad`, a `bad.js` on its first attempt only). */
function idea(name: string, opts: { bad?: boolean; priority?: number } = {}): string {
  const first = opts.bad
    ? `  - attempt: 1\n    write: { ${name}.js: "ok", bad.js: "oops" }\n  - delete: [bad.js]\n    write: { ${name}.js: "ok" }`
    : `  - write: { ${name}.js: "ok" }`;
  return `---\nstatus: ready\npriority: ${opts.priority ?? 1}\ntouches: ["${name}.js"]\n---\n# Make ${name}.js\n\n${FENCE}fleet-script
plan:
  output: "# Plan\\nWrite ${name}.js.\\n"
  acceptance:
    checks: [{ id: AC1, says: "${name}.js says ok", run: "grep -qx ok ${name}.js" }]
implement:
${first}
${FENCE}
`;
}

function task(root: string, id: string) {
  const r = readTask(fleetPaths(root), id);
  if (!r?.ok) throw new Error(`${id} does not load`);
  return r.task.record;
}

/** Drives every idea of `root` to `ship / ready` (the ship phase has no executor in that run). */
async function upToShip(root: string, ids: string[]): Promise<void> {
  const { c } = await coordinator(root, () => undefined, { getRunner, executors: upToImplement() });
  await drain(c);
  for (const id of ids) expect(task(root, id)).toMatchObject({ phase: "ship", status: "ready" });
}

/** The merged commits on main, oldest first, as their task ids. */
const mergedOrder = (root: string) =>
  gitOut(
    root,
    "log",
    "--reverse",
    "--format=%(trailers:key=Fleet-Task,valueonly)",
    "--grep=^Fleet-Event: merged$",
  )
    .split("\n")
    .filter(Boolean);

const shipRuns = (root: string, id: string) =>
  readRuns(fleetPaths(root), id)
    .map((r) => r.record)
    .filter((r) => r.phase === "ship");

describe("the merge queue", () => {
  it("never runs two ships at once, never starts one that would wait, and ships in priority order", async () => {
    const marks = tempDir();
    const root = repoWith("concurrency: 3\n", marks);
    const ids = ["p3", "p0", "p2", "p1"];
    for (const [i, id] of ids.entries()) dropIdea(root, id, idea(id, { priority: [3, 0, 2, 1][i] }));
    await upToShip(root, ids);
    const overlaps: string[] = [];
    const { c } = await coordinator(root, () => undefined, {
      getRunner,
      onEvent: (e: FleetLogEvent) => {
        if (e.event !== "started" || e.phase !== "ship") return;
        const ships = [...c.running()].filter(([, r]) => r.phase === "ship").map(([id]) => id);
        if (ships.length > 1) overlaps.push(ships.join(" + "));
      },
    });
    const first = await c.reconcile({ full: true });
    expect(first.started.map((a) => a.taskId)).toEqual(["p0"]);
    expect(first.waiting.filter((w) => w.phase === "ship").map((w) => [w.taskId, w.why])).toEqual([
      ["p1", "one ship at a time: p0 ships first"],
      ["p2", "one ship at a time: p0 ships first"],
      ["p3", "one ship at a time: p0 ships first"],
    ]);
    await drain(c);
    expect(overlaps).toEqual([]);
    expect(mergedOrder(root)).toEqual(["p0", "p1", "p2", "p3"]);
    // From the run records: one ship run each, none waited (no try-later), and none overlapped another.
    const runs = ids.flatMap((id) => shipRuns(root, id));
    expect(runs.map((r) => `${r.task} ${r.outcome}`).sort()).toEqual([
      "p0 finished",
      "p1 finished",
      "p2 finished",
      "p3 finished",
    ]);
    const spans = runs
      .map((r) => [Date.parse(r.started), Date.parse(r.finished ?? "")] as const)
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (let i = 1; i < spans.length; i++)
      expect(spans[i]?.[0]).toBeGreaterThanOrEqual(spans[i - 1]?.[1] ?? 0);
    expect(readFileSync(path.join(marks, "nobad-runs"), "utf8")).toBe("run\n".repeat(4));
  });

  it("batch: 4 gates four changes once; a bad one is found by bisection, the other three ship", async () => {
    const marks = tempDir();
    const root = repoWith("concurrency: 2\nship: { batch: 4 }\n", marks);
    const ids = ["a", "b", "c", "d"];
    for (const id of ids) dropIdea(root, id, idea(id, { bad: id === "c" }));
    await upToShip(root, ids);
    const notes: string[] = [];
    const { c } = await coordinator(root, () => undefined, {
      getRunner,
      onEvent: (e) => {
        if (e.event === "shipping" && e.detail) notes.push(e.detail);
      },
    });
    const first = await c.reconcile({ full: true });
    expect(first.started).toEqual([{ taskId: "a", phase: "ship", agent: null, batch: ["b", "c", "d"] }]);
    await c.whenJobEnds();
    while (c.running().size > 0) await c.whenJobEnds();
    // The batch: abcd failed; ab passed and shipped; cd failed; c alone failed; d alone passed.
    expect(readFileSync(path.join(marks, "nobad-runs"), "utf8")).toBe("run\n".repeat(5));
    expect(notes.filter((n) => n.startsWith("ship gates on a batch"))).toHaveLength(3);
    expect(mergedOrder(root)).toEqual(["a", "b", "d"]);
    expect(task(root, "c")).toMatchObject({ phase: "implement", status: "ready" });
    const failed = shipRuns(root, "c");
    expect(failed.map((r) => r.outcome)).toEqual(["failed"]);
    expect(failed[0]?.reason).toMatch(/^at ship: gate nobad .* failed, exit code 1$/);
    for (const id of ["a", "b", "d"]) expect(task(root, id)).toMatchObject({ phase: "done" });
    const bodies = ["a", "b"].map(
      (id) => readRuns(fleetPaths(root), id).find((r) => r.record.phase === "ship")?.body ?? "",
    );
    expect(bodies[0]).toContain("Shipped in one batch, gated once, with b (ship.batch)");
    expect(bodies[1]).toContain("Shipped in one batch, gated once, with a (ship.batch)");
    // main never pointed at a tree the gates did not pass: its history holds no bad.js.
    expect(gitOut(root, "log", "--format=%H", "main", "--", "bad.js")).toBe("");
    // The bad change acts on its feedback and ships on its own.
    await drain(c);
    expect(task(root, "c")).toMatchObject({ phase: "done", attempts: { implement: 2 } });
    expect(mergedOrder(root)).toEqual(["a", "b", "d", "c"]);
    for (const id of ids) expect(readFileSync(path.join(root, `${id}.js`), "utf8")).toBe("ok");
    expect(gitOut(root, "status", "--porcelain")).toBe("");
  });
});
