import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { getRunner } from "../../src/agents/index.js";
import { fleetPaths } from "../../src/store/paths.js";
import { readRuns } from "../../src/store/read-records.js";
import { readTask } from "../../src/store/read-tasks.js";
import { gitOut } from "../helpers/temp-repo.js";
import { coordinator, drain, dropIdea, fleetRepo } from "./helpers.js";

const FENCE = "```";

/** Both ideas write shared.txt; whichever ships second conflicts and resolves from the feedback. */
function idea(name: string): string {
  return `---\nstatus: ready\n---\n# Write ${name} into shared.txt\n\n${FENCE}fleet-script
plan:
  output: "# Plan\\nWrite shared.txt.\\n"
  acceptance:
    checks: [{ id: AC1, says: "shared.txt mentions ${name}", run: "grep -q ${name} shared.txt" }]
implement:
  - when: "conflicts with what landed on main"
    say: "resolving the conflict: keeping both lines"
    write: { shared.txt: "A\\nB\\n" }
  - write: { shared.txt: "${name}\\n" }
${FENCE}
`;
}

describe("a rebase conflict at ship", () => {
  it("goes back to implement with the conflicting path, and ships once the implementer resolves it", async () => {
    const root = fleetRepo(
      "review: { plan: auto }\nmax_attempts: 3\ngates: { implement: [acceptance], ship: [acceptance] }\n",
    );
    dropIdea(root, "write-a", idea("A"));
    dropIdea(root, "write-b", idea("B"));
    const { c } = await coordinator(root, () => undefined, { getRunner });
    await drain(c);
    const paths = fleetPaths(root);
    const states = ["write-a", "write-b"].map((id) => {
      const r = readTask(paths, id);
      if (!r?.ok) throw new Error(`${id} does not load`);
      return r.task.record;
    });
    expect(states.map((t) => t.phase)).toEqual(["done", "done"]);
    expect(readFileSync(path.join(root, "shared.txt"), "utf8")).toBe("A\nB\n");
    const second = states.find((t) => (t.attempts.implement ?? 0) === 2);
    expect(second).toBeDefined();
    const runs = readRuns(paths, second?.id ?? "").map((r) => r);
    const conflict = runs.find((r) => r.record.phase === "ship" && r.record.outcome === "rejected");
    expect(conflict?.record.reason).toBe("rebasing onto main conflicts in shared.txt");
    expect(conflict?.body).toContain("- shared.txt");
    expect(gitOut(root, "status", "--porcelain")).toBe("");
    expect(gitOut(root, "log", "--format=%s", "--grep=^Fleet-Event: merged$").split("\n")).toHaveLength(2);
    expect(gitOut(root, "log", "main", "--format=%s", "--grep=^Fleet-Event: conflict$")).toBe("");
  });
});
