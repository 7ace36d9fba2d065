import { describe, expect, it } from "vitest";
import { findRefusals, refusalFeedback, refusalsFor } from "../../src/gates/refusals.js";
import { commitFiles, gateProject, git, TASK } from "./fixture.js";

describe("refusalsFor", () => {
  it("refuses every .fleet/ path with a reason and protected globs by name", () => {
    const found = refusalsFor(
      [
        "src/a.js",
        `.fleet/acceptance/${TASK}/greet.test.mjs`,
        ".fleet/queue/x.md",
        ".fleet/runs/x/009-implement.md",
        ".fleet/config.md",
        "package.json",
      ],
      ["package.json", ".github/**"],
    );
    expect(found.map((r) => r.path)).toEqual([
      `.fleet/acceptance/${TASK}/greet.test.mjs`,
      ".fleet/queue/x.md",
      ".fleet/runs/x/009-implement.md",
      ".fleet/config.md",
      "package.json",
    ]);
    expect(found[0]?.why).toMatch(/acceptance/);
    expect(found[1]?.why).toMatch(/task state/);
    expect(found[2]?.why).toMatch(/run records/);
    expect(found[4]?.why).toBe("protected by `package.json` in config.md");
  });

  it("accepts a change outside .fleet/ and the protected globs", () => {
    expect(refusalsFor(["src/a.js", "fleet/x", ".fleetx"], [".github/**"])).toEqual([]);
  });

  it("names the paths in the feedback", () => {
    const text = refusalFeedback([{ path: ".fleet/queue/x.md", why: "task state" }]);
    expect(text).toContain(".fleet/queue/x.md — task state");
  });
});

describe("findRefusals", () => {
  it("sees both names of a rename out of .fleet/", async () => {
    const { root, base } = await gateProject();
    git(root, "mv", `.fleet/acceptance/${TASK}/greet.test.mjs`, "test/moved.test.mjs");
    git(root, "commit", "-q", "-m", "move");
    const moved = git(root, "rev-parse", "HEAD");
    const found = await findRefusals(root, base, moved, []);
    expect(found.map((r) => r.path)).toEqual([`.fleet/acceptance/${TASK}/greet.test.mjs`]);
  });

  it("finds nothing for a clean change and the deleted path for a deletion", async () => {
    const { root, base } = await gateProject();
    const clean = commitFiles(root, base, { "src/greet.js": "export const greet = () => 1;\n" });
    expect(await findRefusals(root, base, clean, ["package.json"])).toEqual([]);
    const deleting = commitFiles(root, base, { "package.json": null });
    expect((await findRefusals(root, base, deleting, ["package.json"])).map((r) => r.path)).toEqual([
      "package.json",
    ]);
  });
});
