// A gated change rides over other tasks' state commits unchanged, and only over those.
import { describe, expect, it } from "vitest";
import { findRepo } from "../../src/git/repo.js";
import { carryOverState } from "../../src/remote/carry-over-state.js";
import { gitOut, tempRepo, writeFile } from "../helpers/temp-repo.js";

function commitAll(root: string, message: string): string {
  gitOut(root, "add", "-A");
  gitOut(root, "commit", "-q", "-m", message);
  return gitOut(root, "rev-parse", "HEAD");
}

/** A base `from`, a gated change on it (src/app.txt), and the branch reset to `from` for the next move. */
function setUp() {
  const root = tempRepo();
  writeFile(root, "src/app.txt", "v1\n");
  writeFile(root, ".fleet/queue/t1.md", "# t1\n");
  const from = commitAll(root, "base");
  writeFile(root, "src/app.txt", "v2\n");
  const gated = commitAll(root, "the gated change");
  gitOut(root, "reset", "-q", "--hard", from);
  return { root, from, gated };
}

describe("carryOverState", () => {
  it("re-parents the change over another task's state: same code tree, the new tip's .fleet/", async () => {
    const { root, from, gated } = setUp();
    writeFile(root, ".fleet/queue/t2.md", "# t2\n");
    writeFile(root, ".fleet/runs/t2/001-research.md", "run\n");
    const tip = commitAll(root, "fleet: t2 created");
    const carried = await carryOverState(await findRepo(root), "t1", gated, from, tip);
    expect(carried).not.toBeNull();
    expect(gitOut(root, "rev-parse", `${carried}^`)).toBe(tip);
    expect(gitOut(root, "rev-parse", `${carried}:src`)).toBe(gitOut(root, "rev-parse", `${gated}:src`));
    expect(gitOut(root, "rev-parse", `${carried}:.fleet`)).toBe(gitOut(root, "rev-parse", `${tip}:.fleet`));
    expect(gitOut(root, "log", "-1", "--format=%s", carried as string)).toBe("the gated change");
  });

  it("refuses when code moved, or this task's own plan or acceptance files", async () => {
    for (const [file, text] of [
      ["src/other.txt", "code\n"],
      [".fleet/plans/t1.md", "# a new plan\n"],
      [".fleet/acceptance/t1/check.sh", "exit 0\n"],
      [".fleet/config.md", "---\n---\n"],
    ] as const) {
      const { root, from, gated } = setUp();
      writeFile(root, file, text);
      const tip = commitAll(root, `moved ${file}`);
      expect(await carryOverState(await findRepo(root), "t1", gated, from, tip), file).toBeNull();
    }
  });
});
