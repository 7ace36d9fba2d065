/**
 * `shipBatch` on a real repository: members that cannot join the stack ship on their own with the
 * outcome a ship of their own gives, the rest are gated once; the base only ever holds a tree that
 * passed; a change that moved after its implement gates never rides.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { shipBatch } from "../../src/coordinator/ship-batch.js";
import type { ShipInput } from "../../src/coordinator/ship-task.js";
import { taskSchema } from "../../src/store/schemas/task.js";
import { commitFiles, config, gateProject, git } from "../gates/fixture.js";
import { gitOut, tempDir, writeFile } from "../helpers/temp-repo.js";

async function project() {
  const p = await gateProject();
  const marks = tempDir();
  // The gate counts its runs in a file outside its checkout: only uncontained can it.
  writeFile(p.root, ".fleet/gates/count.md", `---\nkind: command\nrun: echo run >> ${marks}/runs\n---\n`);
  git(p.root, "add", "-A");
  git(p.root, "commit", "-qm", "a gate that counts its runs");
  return { ...p, base: gitOut(p.root, "rev-parse", "HEAD"), marks };
}

function member(
  p: Awaited<ReturnType<typeof project>>,
  id: string,
  files: Record<string, string>,
): ShipInput {
  const tip = commitFiles(p.root, p.base, files, `attempt of ${id}`);
  git(p.root, "branch", `fleet/${id}`, tip);
  return {
    repo: p.repo,
    config: config({ gates: { ship: ["count"] }, sandbox: "off" }),
    task: taskSchema.parse({ id, title: `Task ${id}`, phase: "ship", status: "running" }),
    label: "002-ship",
    judged: tip,
    shipApproved: false,
    parentEnv: process.env,
  };
}

const merged = (root: string) =>
  gitOut(
    root,
    "log",
    "--reverse",
    "--format=%(trailers:key=Fleet-Task,valueonly)",
    "--grep=^Fleet-Event: merged$",
  )
    .split("\n")
    .filter(Boolean);

describe("shipBatch", () => {
  it("ships the members that stack, gated once; a conflicting one gets its conflict on its own", async () => {
    const p = await project();
    const a = member(p, "t-a", { "a.txt": "a\n" });
    const b = member(p, "t-b", { "README.md": "# b's readme\n" });
    const c = member(p, "t-c", { "c.txt": "c\n" });
    writeFile(p.root, "README.md", "# Ada's readme\n");
    git(p.root, "commit", "-qam", "Ada rewrites the readme");
    const out = await shipBatch({ members: [a, b, c] });
    expect([...out].map(([id, o]) => [id, o.kind])).toEqual([
      ["t-a", "shipped"],
      ["t-b", "conflict"],
      ["t-c", "shipped"],
    ]);
    const shippedA = out.get("t-a");
    expect(shippedA?.kind === "shipped" && shippedA.batch).toEqual(["t-c"]);
    expect(readFileSync(path.join(p.marks, "runs"), "utf8")).toBe("run\n");
    expect(merged(p.root)).toEqual(["t-a", "t-c"]);
    // One commit per task, the top is what main points at; the conflicting branch got the markers.
    const top = out.get("t-c");
    expect(top?.kind === "shipped" && top.commit).toBe(gitOut(p.root, "rev-parse", "main"));
    expect(gitOut(p.root, "show", `fleet/t-b:README.md`)).toContain("<<<<<<<");
    expect(gitOut(p.root, "branch", "--list", "fleet/t-a", "fleet/t-c")).toBe("");
  });

  it("does not let a branch that moved after its implement gates ride: it is sent back on its own", async () => {
    const p = await project();
    const a = member(p, "t-a", { "a.txt": "a\n" });
    const b = member(p, "t-b", { "b.txt": "b\n" });
    const c = member(p, "t-c", { "c.txt": "c\n" });
    const moved = commitFiles(p.root, `fleet/t-b`, { "b.txt": "changed after the gates\n" });
    git(p.root, "branch", "-f", "fleet/t-b", moved);
    const out = await shipBatch({ members: [a, b, c] });
    const bOut = out.get("t-b");
    expect(bOut?.kind).toBe("failed");
    expect(bOut?.kind === "failed" && bOut.reason).toMatch(/moved after them/);
    expect(merged(p.root)).toEqual(["t-a", "t-c"]);
    expect(gitOut(p.root, "ls-tree", "--name-only", "main", "--", "b.txt")).toBe("");
  });
});
