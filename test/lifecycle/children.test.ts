import { describe, expect, it } from "vitest";
import {
  type ChildProposal,
  decompositionProblems,
  parentStep,
  planApprovedAutomatically,
  spawnChildren,
} from "../../src/lifecycle/children.js";
import { taskSchema } from "../../src/store/schemas/task.js";

const child = (slug: string, depends_on: string[] = []): ChildProposal => ({
  slug,
  child: { title: `Part ${slug}`, touches: [], depends_on },
  body: "",
});
const task = (over: Record<string, unknown>) => taskSchema.parse({ title: "t", ...over });

describe("fan-out rules", () => {
  it("names a dependency on nothing, on itself and a cycle, with file and field", () => {
    const problems = decompositionProblems(
      [
        child("a", ["b"]),
        child("b", ["c"]),
        child("c", ["a"]),
        child("d", ["d", "nowhere", "old-task", "whole"]),
      ],
      (id) => id === "old-task" || id === "whole",
      "whole",
    );
    expect(problems).toEqual([
      "children/d.md (depends_on.0): a child cannot depend on itself",
      'children/d.md (depends_on.1): "nowhere" is neither a sibling\'s slug nor an existing task id',
      "children/d.md (depends_on.3): a child cannot depend on whole, which waits for its children",
      "children/: depends_on goes round in a circle: a → b → c → a",
    ]);
    expect(
      decompositionProblems([child("a"), child("b", ["a", "old-task"])], (id) => id === "old-task", "whole"),
    ).toEqual([]);
  });

  it("spawns children at plan / ready with slugs resolved to the minted ids", () => {
    const parent = task({ id: "whole", priority: 1 });
    let n = 0;
    const made = spawnChildren(
      parent,
      [child("a"), child("b", ["a", "old-task"])],
      "2026-12-01T00:00:00Z",
      () => `id-${++n}`,
    );
    expect(made.map((m) => m.task)).toMatchObject([
      { id: "id-1", parent: "whole", phase: "plan", status: "ready", priority: 1, depends_on: [] },
      { id: "id-2", parent: "whole", depends_on: ["id-1", "old-task"] },
    ]);
    // What spawnChildren makes is a valid task record.
    for (const m of made) expect(taskSchema.safeParse(m.task).success).toBe(true);
  });

  it("a waiting parent waits, integrates once all are done, and is blocked by a dropped or failed child", () => {
    const parent = task({ id: "p", phase: "implement", status: "waiting-children" });
    const kid = (id: string, phase: string, status = "ready") => task({ id, parent: "p", phase, status });
    expect(parentStep(parent, [parent])).toMatchObject({ kind: "block" });
    expect(parentStep(parent, [parent, kid("a", "done"), kid("b", "plan", "running")])).toEqual({
      kind: "wait",
      why: "waits for 1 of 2 children: b (plan / running)",
    });
    expect(parentStep(parent, [parent, kid("a", "done"), kid("b", "done")])).toEqual({ kind: "integrate" });
    const failed = parentStep(parent, [parent, kid("a", "done"), kid("b", "implement", "failed")]);
    expect(failed.kind === "block" && failed.question).toMatch(/b \(implement \/ failed\)/);
    const dropped = parentStep(parent, [parent, kid("a", "dropped")]);
    expect(dropped.kind === "block" && dropped.question).toMatch(/a \(dropped\).*dropped/);
  });

  it("a child's plan is approved automatically only under review.children: auto", () => {
    expect(planApprovedAutomatically({ parent: "p" }, { plan: "person", children: "auto" })).toBe(true);
    expect(planApprovedAutomatically({ parent: null }, { plan: "person", children: "auto" })).toBe(false);
    expect(planApprovedAutomatically({ parent: "p" }, { plan: "person", children: "person" })).toBe(false);
    expect(planApprovedAutomatically({ parent: null }, { plan: "auto" })).toBe(true);
  });
});
