/**
 * Fan-out end to end through the built CLI: a scripted planner (the built-in `script` runner, sandboxed)
 * splits an idea into two child tasks, `fleet approve` turns them into tasks, `fleet run --until-idle`
 * plans, implements and ships each on its own, and the parent's own check then passes on the base tip.
 */
import { describe, expect, it } from "vitest";
import { commitFleetDir } from "../helpers/fleet-fixtures.js";
import { fleetOk, runFleet } from "../helpers/run-fleet.js";
import { gitOut, tempRepo, writeFile } from "../helpers/temp-repo.js";

const IDEA = `---
status: ready
---
# Two parts

\`\`\`fleet-script
research: "# Findings\\n\\nTwo parts, one after the other."
plan:
  output: "# Plan\\n\\nTwo children: part a, then part b."
  acceptance:
    checks: [{ id: AC1, says: both parts shipped, run: "sh .fleet/acceptance/two-parts/check.sh" }]
    files: { check.sh: "test $(ls scripted | wc -l) -eq 2\\n" }
  files:
    children/part-a.md: "---\\ntitle: Part a\\ntouches: ['scripted/part-a-*']\\n---\\nThe first part.\\n"
    children/part-b.md: "---\\ntitle: Part b\\ndepends_on: [part-a]\\n---\\nThe second part.\\n"
\`\`\`
`;

interface LsJson {
  tasks: {
    id: string;
    title: string;
    status: string;
    parent: string | null;
    children: { id: string; state: string }[];
  }[];
}

describe("fan-out through the CLI", () => {
  it("an idea fans out into two children that ship on their own; the parent is checked as a whole", () => {
    const root = tempRepo();
    fleetOk(root, ["init", "--no-check"]);
    writeFile(
      root,
      ".fleet/config.md",
      "---\nreview: { children: auto }\ngates: { implement: [acceptance], ship: [acceptance] }\n---\n",
    );
    for (const name of ["researcher", "planner", "implementer"])
      writeFile(root, `.fleet/agents/${name}.md`, `---\nrunner: script\n---\nYou are the ${name}.\n`);
    writeFile(root, ".fleet/queue/two-parts.md", IDEA);
    commitFleetDir(root, "fan-out fixture");

    const planned = runFleet(root, ["run", "--until-idle"]);
    expect(planned.code).toBe(7);
    const show = fleetOk(root, ["show", "two-parts"]).stdout;
    expect(show).toContain(
      "proposed children (approved with the plan): .fleet/plans/two-parts/children/part-a.md, .fleet/plans/two-parts/children/part-b.md",
    );

    const approved = JSON.parse(fleetOk(root, ["approve", "two-parts", "--json"]).stdout) as {
      children: string[];
    };
    expect(approved.children).toHaveLength(2);
    const ls = JSON.parse(fleetOk(root, ["ls", "--json"]).stdout) as LsJson;
    const parent = ls.tasks.find((t) => t.id === "two-parts");
    expect(parent?.status).toBe("waiting-children");
    expect(parent?.children.map((c) => c.state)).toEqual(["plan / ready", "plan / ready"]);
    const partB = ls.tasks.find((t) => t.title === "Part b");
    const partA = ls.tasks.find((t) => t.title === "Part a");
    expect(partB?.parent).toBe("two-parts");
    expect(fleetOk(root, ["show", partB?.id ?? "", "--json"]).stdout).toContain(
      `"depends_on": [\n        "${partA?.id}"`,
    );
    expect(fleetOk(root, ["ls"]).stdout).toMatch(
      /two-parts +waiting-children +P2 +Two parts +\(children: 0\/2 done — /,
    );

    const drained = runFleet(root, ["run", "--until-idle"]);
    expect(drained.code, drained.stdout + drained.stderr).toBe(0);
    expect(drained.stdout).toMatch(/two-parts +implement +- +integrated +→ done \/ ready/);
    const after = fleetOk(root, ["show", "two-parts"]).stdout;
    expect(after).toContain("children: 2/2 done");
    // Two ships, one per child, and the parent's own check passed on the tip holding both.
    expect(gitOut(root, "ls-tree", "--name-only", "main", "scripted/").split("\n")).toHaveLength(2);
    expect(gitOut(root, "log", "--format=%s", "main", "--", "scripted/").split("\n")).toHaveLength(2);
    expect(
      gitOut(
        root,
        "log",
        "-1",
        "--format=%(trailers:key=Fleet-Event,valueonly)",
        "--grep=Fleet-Task: two-parts$",
        "main",
      ).trim(),
    ).toBe("integrated");
    const cost = fleetOk(root, ["cost", "--json"]).stdout;
    const row = (
      JSON.parse(cost) as {
        tasks: { key: string; children: string[]; with_children: { runs: number } | null; runs: number }[];
      }
    ).tasks.find((t) => t.key === "two-parts");
    expect(row?.children).toHaveLength(2);
    expect(row?.with_children?.runs ?? 0).toBeGreaterThan(row?.runs ?? 0);
  });
});
