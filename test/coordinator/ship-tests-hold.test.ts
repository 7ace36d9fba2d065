import { describe, expect, it } from "vitest";
import { GOOD_GREET } from "../gates/fixture.js";
import { ship, shipProject } from "./ship-fixture.js";

const WEAK_TEST = `import { test } from "node:test";\ntest("greets", () => {});\n`;

describe("a change to the project's existing tests is held for a person before ship", () => {
  it("holds a change that rewrites an existing test file, naming it, and ships it once approved", async () => {
    const { repo } = await shipProject({ "src/greet.js": GOOD_GREET, "test/greet.test.mjs": WEAK_TEST });
    const held = await ship(repo);
    expect(held.kind).toBe("held");
    if (held.kind !== "held") return;
    expect(held.reason).toContain("test/greet.test.mjs (modified)");
    expect(held.reason).toContain("(review.tests)");
    expect((await ship(repo, { shipApproved: true })).kind).toBe("shipped");
  });

  it("holds a deleted test file and a changed test script of package.json", async () => {
    const { repo } = await shipProject({
      "src/greet.js": GOOD_GREET,
      "test/greet.test.mjs": null,
      "package.json": `${JSON.stringify({ name: "lib", type: "module", scripts: { test: "exit 0" } })}\n`,
    });
    const held = await ship(repo);
    expect(held.kind).toBe("held");
    if (held.kind !== "held") return;
    expect(held.reason).toContain("test/greet.test.mjs (deleted)");
    expect(held.reason).toContain("package.json scripts test");
  });

  it("does not hold new tests, nor test files config.md takes out of review.tests", async () => {
    const added = await shipProject({ "src/greet.js": GOOD_GREET, "test/more.test.mjs": WEAK_TEST });
    expect((await ship(added.repo)).kind).toBe("shipped");
    const narrowed = await shipProject({ "src/greet.js": GOOD_GREET, "test/greet.test.mjs": WEAK_TEST });
    const outcome = await ship(narrowed.repo, { cfg: { review: { tests: [] } } });
    expect(outcome.kind).toBe("shipped");
  });
});
