import { describe, expect, it } from "vitest";
import { writeFile } from "../helpers/temp-repo.js";
import { commitFiles, gateProject, judge } from "./fixture.js";

// A project whose own tests check that colour is on by default, as colour libraries' tests do.
const COLOUR_TEST = `import { test } from "node:test";\nimport assert from "node:assert/strict";\ntest("colour is not turned off", () => {\n  assert.equal(process.env.NO_COLOR, undefined);\n  assert.notEqual(process.env.FORCE_COLOR, "0");\n  assert.equal(process.env.CI, undefined);\n});\n`;

describe("the gate environment", () => {
  it("forces nothing the project's own tests read (NO_COLOR, FORCE_COLOR, CI)", async () => {
    const { root, repo, base } = await gateProject();
    const candidate = commitFiles(root, base, { "test/colour.test.mjs": COLOUR_TEST });
    const report = await judge(repo, {
      names: ["test"],
      candidate,
      base,
      label: "c",
      parentEnv: { PATH: process.env.PATH, HOME: root, NO_COLOR: "1", CI: "true" },
    });
    expect(report.results[0]?.output_tail).toContain("colour is not turned off");
    expect(report.outcome).toBe("passed");
  });

  it("sets the variables of a gate file's `env:` for that gate only", async () => {
    const { root, repo, base } = await gateProject();
    writeFile(
      root,
      ".fleet/gates/show-env.md",
      `---\nkind: command\nrun: node -e "console.log('mode=' + process.env.MODE)"\nenv:\n  MODE: strict\n---\n`,
    );
    writeFile(
      root,
      ".fleet/gates/plain.md",
      `---\nkind: command\nrun: node -e "console.log('mode=' + process.env.MODE)"\n---\n`,
    );
    const candidate = commitFiles(root, base, { "NOTES.md": "x\n" });
    const report = await judge(repo, { names: ["show-env", "plain"], candidate, base, label: "e" });
    expect(report.outcome).toBe("passed");
    expect(report.results[0]?.output_tail).toContain("mode=strict");
    expect(report.results[1]?.output_tail).toContain("mode=undefined");
  });
});
