import { describe, expect, it } from "vitest";
import { commitFiles, GOOD_GREET, gateProject, judge } from "./fixture.js";

describe("runGates: a check whose runner executed no test", () => {
  it("fails when the code under test ends the process before any test runs", async () => {
    const { root, repo, base } = await gateProject();
    const candidate = commitFiles(root, base, { "src/greet.js": `process.exit(0);\n${GOOD_GREET}` });
    const report = await judge(repo, { names: ["acceptance"], candidate, base, label: "z" });
    expect(report.outcome).toBe("failed");
    expect(report.results[0]?.verdict).toBe("fail");
    expect(report.feedback).toContain("its test runner reports that no test ran");
  });

  it("still passes the real implementation", async () => {
    const { root, repo, base } = await gateProject();
    const candidate = commitFiles(root, base, { "src/greet.js": GOOD_GREET });
    const report = await judge(repo, { names: ["acceptance"], candidate, base, label: "g" });
    expect(report.outcome).toBe("passed");
  });
});
