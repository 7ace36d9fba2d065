import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { gateCheckoutsDir } from "../../src/gates/checkout.js";
import { runGates } from "../../src/gates/run-gates.js";
import { writeFile } from "../helpers/temp-repo.js";
import { commitFiles, config, GOOD_GREET, gateProject, git, judge, someChange, TASK } from "./fixture.js";

const FAILING_TEST = `import { test } from "node:test";\nimport assert from "node:assert/strict";\ntest("broken", () => assert.equal(1, 2));\n`;

describe("runGates: command gates", () => {
  it("passes a good candidate through build, test and acceptance, recording each gate", async () => {
    const { root, repo, base } = await gateProject();
    const candidate = commitFiles(root, base, { "src/greet.js": GOOD_GREET });
    const report = await judge(repo, {
      names: ["build", "test", "acceptance"],
      candidate,
      base,
      label: "001-implement",
    });
    expect(report.outcome).toBe("passed");
    expect(report.results.map((r) => [r.gate, r.kind, r.verdict, r.exit_code])).toEqual([
      ["build", "command", "pass", 0],
      ["test", "command", "pass", 0],
      ["acceptance", "acceptance", "pass", 0],
    ]);
    expect(report.results[0]?.output_tail).toContain("built");
    const log = report.results[1]?.log ?? "";
    expect(log).toBe(`fleet/logs/${TASK}/001-implement-test.log`);
    expect(readFileSync(path.join(repo.commonDir, log), "utf8")).toContain("$ node --test test/");
    expect(readdirSync(gateCheckoutsDir(repo))).toEqual([]);
    expect(git(root, "worktree", "list")).not.toContain(".gates");
  });

  it("fails at the first failing gate with the command, exit code and output as feedback", async () => {
    const { root, repo, base } = await gateProject();
    const candidate = commitFiles(root, base, {
      "src/greet.js": GOOD_GREET,
      "test/broken.test.mjs": FAILING_TEST,
    });
    const report = await judge(repo, {
      names: ["build", "test", "acceptance"],
      candidate,
      base,
      label: "002-implement",
    });
    expect(report.outcome).toBe("failed");
    expect(report.results.map((r) => [r.gate, r.verdict])).toEqual([
      ["build", "pass"],
      ["test", "fail"],
      ["acceptance", "skipped"],
    ]);
    expect(report.results[1]?.exit_code).toBe(1);
    expect(report.reason).toBe("gate test (`node --test test/`) failed, exit code 1");
    expect(report.feedback).toContain("Gate `test` failed: `node --test test/` exited with code 1.");
    expect(report.feedback).toContain("broken");
  });

  it("runs gates in a clean checkout, never seeing the agent's untracked files", async () => {
    const { root, repo, base } = await gateProject();
    writeFile(root, "test/untracked.test.mjs", FAILING_TEST);
    const report = await judge(repo, {
      names: ["test"],
      candidate: someChange(root, base),
      base,
      label: "x",
    });
    expect(report.outcome).toBe("passed");
  });

  it("runs setup once in the fresh checkout and fails with its output when it fails", async () => {
    const { root, repo, base } = await gateProject();
    writeFile(root, ".fleet/gates/setup-check.md", "---\nkind: command\nrun: cat setup-ran.txt\n---\n");
    const ok = await judge(repo, {
      names: ["setup-check"],
      config: config({ setup: "echo once >> setup-ran.txt" }),
      candidate: someChange(root, base),
      base,
      label: "s1",
    });
    expect(ok.outcome).toBe("passed");
    expect(ok.results.map((r) => r.gate)).toEqual(["setup", "setup-check"]);
    expect(ok.results[1]?.output_tail).toBe("once");

    const bad = await judge(repo, {
      names: ["setup-check"],
      config: config({ setup: "echo cannot install; exit 9" }),
      candidate: someChange(root, base),
      base,
      label: "s2",
    });
    expect(bad.outcome).toBe("failed");
    expect(bad.results.map((r) => [r.gate, r.verdict])).toEqual([
      ["setup", "fail"],
      ["setup-check", "skipped"],
    ]);
    expect(bad.feedback).toContain("`echo cannot install; exit 9` (config.md `setup`) exited with code 9");
    expect(bad.feedback).toContain("cannot install");
  });

  it("kills a gate at its timeout and fails it", async () => {
    const { root, repo, base } = await gateProject();
    writeFile(root, ".fleet/gates/hang.md", "---\nkind: command\nrun: sleep 300\ntimeout: 300ms\n---\n");
    const report = await judge(repo, {
      names: ["hang"],
      candidate: someChange(root, base),
      base,
      label: "h",
    });
    expect(report.outcome).toBe("failed");
    expect(report.feedback).toContain("was killed after the 300 ms timeout");
  });

  it("is an error, not a failure, when a listed gate has no definition", async () => {
    const { root, repo, base } = await gateProject();
    const report = await judge(repo, {
      names: ["lint"],
      candidate: someChange(root, base),
      base,
      label: "e",
    });
    expect(report.outcome).toBe("error");
    expect(report.reason).toContain(".fleet/gates/lint.md does not exist");
  });

  it("fails a candidate that changes nothing, before any gate runs", async () => {
    const { repo, base } = await gateProject();
    const report = await judge(repo, {
      names: ["test"],
      candidate: base,
      base,
      label: "z",
    });
    expect(report.outcome).toBe("failed");
    expect(report.results.map((r) => [r.gate, r.verdict])).toEqual([
      ["change", "fail"],
      ["test", "skipped"],
    ]);
    expect(report.feedback).toContain("No change to judge");
  });
});

describe("runGates: acceptance", () => {
  it("fails a candidate that does not meet the check, naming the check", async () => {
    const { root, repo, base } = await gateProject();
    const report = await judge(repo, {
      names: ["acceptance"],
      candidate: someChange(root, base),
      base,
      label: "a",
    });
    expect(report.outcome).toBe("failed");
    expect(report.feedback).toContain("Acceptance check AC1 failed — greet('Ada') returns 'Hello, Ada!'");
    expect(report.feedback).toContain(`node --test .fleet/acceptance/${TASK}/greet.test.mjs`);
    expect(report.results[0]?.output_tail).toContain("FAIL AC1");
  });

  it("refuses a candidate that edits the acceptance test, before any gate runs", async () => {
    const { root, repo, base } = await gateProject();
    const candidate = commitFiles(root, base, {
      [`.fleet/acceptance/${TASK}/greet.test.mjs`]: `import { test } from "node:test";\ntest("AC1", () => {});\n`,
    });
    const report = await judge(repo, {
      names: ["build", "acceptance"],
      candidate,
      base,
      label: "r",
    });
    expect(report.outcome).toBe("refused");
    expect(report.reason).toBe(`refused: the change touches .fleet/acceptance/${TASK}/greet.test.mjs`);
    expect(report.results.map((r) => [r.gate, r.verdict])).toEqual([
      ["refusal", "fail"],
      ["build", "skipped"],
      ["acceptance", "skipped"],
    ]);
  });

  it("restores .fleet/ from the base even when a build step rewrites the checks", async () => {
    const { root, repo, base } = await gateProject();
    writeFile(root, ".fleet/gates/sneaky-build.md", `---\nkind: command\nrun: node scripts/build.mjs\n---\n`);
    const candidate = commitFiles(root, base, {
      "scripts/build.mjs": `import { writeFileSync } from "node:fs";\nwriteFileSync(".fleet/acceptance/${TASK}/greet.test.mjs", "");\nwriteFileSync(".fleet/acceptance/${TASK}.md", "---\\nchecks:\\n  - id: AC1\\n    says: ok\\n    run: \\"true\\"\\n---\\n");\n`,
    });
    const report = await judge(repo, {
      names: ["sneaky-build", "acceptance"],
      candidate,
      base,
      label: "t",
    });
    expect(report.results.map((r) => [r.gate, r.verdict])).toEqual([
      ["sneaky-build", "pass"],
      ["acceptance", "fail"],
    ]);
  });

  it("is an error when the task has no acceptance file at the base", async () => {
    const { root, repo, base } = await gateProject();
    const report = await runGates({
      repo,
      taskId: "no-such-task",
      names: ["acceptance"],
      config: config(),
      candidate: someChange(root, base),
      base,
      label: "n",
    });
    expect(report.outcome).toBe("error");
    expect(report.reason).toContain(".fleet/acceptance/no-such-task.md does not exist");
  });
});
