import { describe, expect, it } from "vitest";
import {
  checksWarning,
  pathWords,
  redBeforeGreenProblem,
  weakChecks,
} from "../../src/lifecycle/weak-checks.js";

const check = (id: string, run: string) => ({ id, says: id, run });
const committed = new Set(["test", "test/greet.test.mjs", "src", "src/greet.js", "package.json"]);
const files = new Set([".fleet/acceptance/t/greet.test.mjs"]);

describe("weak checks", () => {
  it("reads path words from a command line", () => {
    expect(pathWords(`node --test ./test/ && sh "x/y.sh" >out.txt; echo $HOME *.js`)).toEqual([
      "node",
      "test",
      "sh",
      "x/y.sh",
      "out.txt",
      "echo",
    ]);
  });

  it("flags true, exit 0, inline scripts and files the implementer would write", () => {
    const weak = weakChecks(
      "t",
      [
        check("A", "true"),
        check("B", "exit 0"),
        check("C", `node -e "process.exit(0)"`),
        check("D", "node --test test/new-feature.test.mjs"),
        check("E", "node --test .fleet/acceptance/t/greet.test.mjs"),
        check("F", "node --test test/"),
        check("G", "node --test .fleet/acceptance/t/"),
        check("H", "node --test .fleet/acceptance/other/x.test.mjs"),
      ],
      files,
      (p) => committed.has(p),
    );
    expect(weak.map((w) => w.id)).toEqual(["A", "B", "C", "D", "H"]);
    expect(weak[0]?.why).toBe(
      "`true` runs no file of .fleet/acceptance/t/ and no file of the base commit: it can pass whatever the change does, or run a file the implementer writes",
    );
  });

  it("wants at least one check red on the base commit", () => {
    expect(redBeforeGreenProblem({ commit: "a".repeat(40), fail: [], pass: ["AC1", "AC2"] })).toBe(
      "every acceptance check (AC1, AC2) already passes on the base commit aaaaaaaaaaaa, before any work: a plan whose checks all pass already proves nothing",
    );
    expect(redBeforeGreenProblem({ commit: "a".repeat(40), fail: ["AC1"], pass: ["AC2"] })).toBeNull();
  });

  it("sums weak and regression checks up in one line", () => {
    expect(checksWarning([{ id: "AC3", why: "" }], { commit: "c", fail: ["AC1"], pass: ["AC2"] })).toBe(
      "weak check AC3; regression check (pass on base already) AC2",
    );
    expect(checksWarning([], { commit: "c", fail: ["AC1"], pass: [] })).toBeNull();
  });
});
