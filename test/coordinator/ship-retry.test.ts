/**
 * The retry loop through the coordinator, with the real `script` runner: a failed gate sends the task
 * back to implement with the gate's output in the next prompt, and the next attempt acts on it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { getRunner } from "../../src/agents/index.js";
import { fleetPaths } from "../../src/store/paths.js";
import { readRuns } from "../../src/store/read-records.js";
import { readTask } from "../../src/store/read-tasks.js";
import { gitOut, writeFile } from "../helpers/temp-repo.js";
import { coordinator, drain, dropIdea, fleetRepo, taskLog } from "./helpers.js";

const FENCE = "```";

function repoWith(config: string, gates: Record<string, string>): string {
  const root = fleetRepo(`review: { plan: auto }\nmax_attempts: 2\n${config}`);
  for (const [name, run] of Object.entries(gates))
    writeFile(root, `.fleet/gates/${name}.md`, `---\nkind: command\nrun: ${run}\n---\n`);
  if (Object.keys(gates).length > 0) {
    gitOut(root, "add", "-A");
    gitOut(root, "commit", "-q", "-m", "gates");
  }
  return root;
}

function idea(implement: string): string {
  return `---\nstatus: ready\n---\n# Make ok.js\n\n${FENCE}fleet-script
plan:
  output: "# Plan\\nWrite ok.js.\\n"
  acceptance:
    checks: [{ id: AC1, says: "ok.js says ok", run: "grep -qx ok ok.js" }]
implement:
${implement}
${FENCE}
`;
}

function task(root: string, id: string) {
  const r = readTask(fleetPaths(root), id);
  if (!r?.ok) throw new Error(`${id} does not load`);
  return r.task.record;
}

describe("the retry loop", () => {
  it("succeeds on the second attempt by acting on the acceptance check's feedback", async () => {
    const root = repoWith("gates: { implement: [acceptance], ship: [acceptance] }\n", {});
    dropIdea(
      root,
      "retry",
      idea(`  - attempt: 1
    write: { ok.js: "nearly" }
  - when: "Acceptance check AC1 failed"
    say: "acting on the feedback"
    write: { ok.js: "ok" }`),
    );
    const { c } = await coordinator(root, () => undefined, { getRunner });
    await drain(c);
    expect(task(root, "retry")).toMatchObject({ phase: "done", attempts: { implement: 2, ship: 1 } });
    const runs = readRuns(fleetPaths(root), "retry").filter((r) => r.record.phase === "implement");
    expect(runs.map((r) => r.record.outcome)).toEqual(["rejected", "finished"]);
    expect(runs[0]?.body).toContain("Acceptance check AC1 failed — ok.js says ok");
    expect(runs[0]?.body).toContain("`grep -qx ok ok.js` exited with code 1");
    const transcript = readFileSync(path.join(root, ".git", runs[1]?.record.log ?? ""), "utf8");
    expect(transcript).toContain("acting on the feedback");
    expect(readFileSync(path.join(root, "ok.js"), "utf8")).toBe("ok");
  });

  it("sends a ship-gate failure back to implement with its feedback, then ships", async () => {
    const root = repoWith("gates: { implement: [acceptance], ship: [acceptance, shipcheck] }\n", {
      shipcheck: "test -f SHIP_NOTE.md",
    });
    dropIdea(
      root,
      "late",
      idea(`  - when: "test -f SHIP_NOTE.md"
    write: { ok.js: "ok", SHIP_NOTE.md: "# release note\\n" }
  - write: { ok.js: "ok" }`),
    );
    const { c } = await coordinator(root, () => undefined, { getRunner });
    await drain(c);
    expect(task(root, "late")).toMatchObject({ phase: "done", attempts: { implement: 2, ship: 1 } });
    const runs = readRuns(fleetPaths(root), "late").map((r) => r.record);
    expect(runs.map((r) => `${r.phase} ${r.outcome}`)).toEqual([
      "research finished",
      "plan finished",
      "implement finished",
      "ship failed",
      "implement finished",
      "ship finished",
    ]);
    expect(taskLog(root, "late")).toContain("ship retrying");
    expect(readFileSync(path.join(root, "SHIP_NOTE.md"), "utf8")).toBe("# release note\n");
  });

  it("fails the task when ship keeps failing, once implement has used its attempts", async () => {
    const root = repoWith("gates: { implement: [acceptance], ship: [acceptance, never] }\n", {
      never: "echo the ship check never passes; exit 3",
    });
    dropIdea(root, "doomed", idea('  - write: { ok.js: "ok" }'));
    const { c } = await coordinator(root, () => undefined, { getRunner });
    await drain(c);
    const t = task(root, "doomed");
    expect(t).toMatchObject({ phase: "implement", status: "failed", attempts: { implement: 2 } });
    expect(t.reason).toBe(
      "implement failed 2 times; last: at ship: gate never (`echo the ship check never passes; exit 3`) failed, exit code 3",
    );
    expect(c.failed.has("doomed")).toBe(true);
    expect(gitOut(root, "log", "--format=%s", "--grep=^Fleet-Event: merged$")).toBe("");
  });
});
