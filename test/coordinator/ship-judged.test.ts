import { describe, expect, it } from "vitest";
import { commitFiles, git } from "../gates/fixture.js";
import { gitOut, writeFile } from "../helpers/temp-repo.js";
import { ship, shipProject, TASK } from "./ship-fixture.js";

describe("ship ships exactly what the implement gates passed", () => {
  it("sends a branch moved after the implement gates back to implement, shipping nothing", async () => {
    const { root, repo, tip, base } = await shipProject();
    const sneaky = commitFiles(root, tip, { "src/extra.js": "export const x = 1;\n" }, "after the gates");
    git(root, "branch", "-f", `fleet/${TASK}`, sneaky);
    const outcome = await ship(repo, { judged: tip });
    expect(outcome.kind).toBe("failed");
    if (outcome.kind !== "failed") return;
    expect(outcome.reason).toBe(
      `at ship: fleet/${TASK} is at ${sneaky.slice(0, 12)}, not at ${tip.slice(0, 12)} where the implement gates passed: it moved after them`,
    );
    expect(gitOut(root, "rev-parse", "main")).toBe(base);
  });

  it("refuses a branch when no implement run names the commit its gates passed", async () => {
    const { repo } = await shipProject();
    const outcome = await ship(repo, { judged: null });
    expect(outcome.kind).toBe("failed");
    if (outcome.kind === "failed") expect(outcome.reason).toContain("no implement run records");
  });

  it("still ships the squash an earlier ship made of the judged commit, after waiting", async () => {
    const { root, repo, tip } = await shipProject();
    writeFile(root, "src/greet.js", "// dirty\n");
    expect((await ship(repo, { judged: tip })).kind).toBe("waiting");
    expect(gitOut(root, "rev-parse", `fleet/${TASK}`)).not.toBe(tip);
    git(root, "checkout", "--", "src/greet.js");
    writeFile(root, "README.md", "# sample\n# by Ada\n");
    git(root, "commit", "-qam", "Ada moves main meanwhile");
    expect((await ship(repo, { judged: tip })).kind).toBe("shipped");
  });
});
