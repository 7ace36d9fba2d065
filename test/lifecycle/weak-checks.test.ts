import { describe, expect, it } from "vitest";
import { weakChecks } from "../../src/lifecycle/weak-checks.js";

const check = (id: string, run: string) => ({ id, says: `${id} holds`, run });

describe("weakChecks", () => {
  it("passes real test commands", () => {
    expect(
      weakChecks([check("AC1", "node --test .fleet/acceptance/a/x.test.mjs"), check("AC2", "npm test")]),
    ).toEqual([]);
  });

  it("flags checks that always pass, swallow their failure, only look for a file, or repeat another", () => {
    const found = weakChecks([
      check("AC1", "true"),
      check("AC2", "echo ok"),
      check("AC3", "npm test || true"),
      check("AC4", "test -f src/a.js"),
      check("AC5", "grep -q greet src/a.js"),
      check("AC6", "npm run e2e"),
      check("AC7", "npm run e2e"),
    ]);
    expect(found.map((w) => w.check)).toEqual(["AC1", "AC2", "AC3", "AC4", "AC5", "AC7"]);
    expect(found.at(-1)?.warning).toBe("runs the same command as AC6");
  });
});
