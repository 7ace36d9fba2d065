import { describe, expect, it } from "vitest";
import {
  acceptanceName,
  isTestRunnerName,
  renameAcceptanceFiles,
} from "../../src/lifecycle/acceptance-names.js";

const folder = ".fleet/acceptance/add-greet";
const file = (rel: string, text = "") => ({ rel, content: Buffer.from(text) });

describe("acceptance file names", () => {
  it("knows the names test runners pick up, and the names they skip", () => {
    for (const rel of [
      "greet.test.mjs",
      "greet.spec.ts",
      "greet-test.js",
      "greet_test.cjs",
      "test-greet.mjs",
      "test.js",
      "tests.mjs",
      "test/greet.mjs",
      "tests/a/b.js",
      "__tests__/greet.tsx",
    ])
      expect(isTestRunnerName(rel), rel).toBe(true);
    for (const rel of [
      "greet.accept.mjs",
      "helper.mjs",
      "contest.mjs",
      "latest.js",
      "test.json",
      "fixture.txt",
    ])
      expect(isTestRunnerName(rel), rel).toBe(false);
  });

  it("renames them to <name>.accept.<ext>, test folders to checks/", () => {
    expect(acceptanceName("greet.test.mjs")).toBe("greet.accept.mjs");
    expect(acceptanceName("greet-spec.js")).toBe("greet.accept.js");
    expect(acceptanceName("test-greet.mjs")).toBe("greet.accept.mjs");
    expect(acceptanceName("test.js")).toBe("check.accept.js");
    expect(acceptanceName("test/greet.mjs")).toBe("checks/greet.accept.mjs");
    for (const rel of ["greet.test.mjs", "test/greet.mjs", "tests.mjs", "__tests__/x.spec.ts"])
      expect(isTestRunnerName(acceptanceName(rel)), rel).toBe(false);
  });

  it("rewrites run lines, the body and relative imports to the new names", () => {
    const r = renameAcceptanceFiles(
      {
        files: [
          file("greet.test.mjs", "import { fixture } from './helper.mjs';\nimport './other.test.mjs';\n"),
          file("other.test.mjs", "export {};\n"),
          file("helper.mjs", "export const fixture = 1;\n"),
        ],
        checks: [
          { id: "AC1", run: `node --test ${folder}/greet.test.mjs` },
          { id: "AC2", run: `node ${folder}/helper.mjs` },
        ],
        body: `See \`${folder}/greet.test.mjs\`.`,
      },
      folder,
    );
    if (!r.ok) throw new Error(r.reason);
    expect(r.files.map((f) => f.rel)).toEqual(["greet.accept.mjs", "other.accept.mjs", "helper.mjs"]);
    expect(r.checks.map((c) => c.run)).toEqual([
      `node --test ${folder}/greet.accept.mjs`,
      `node ${folder}/helper.mjs`,
    ]);
    expect(r.body).toBe(`See \`${folder}/greet.accept.mjs\`.`);
    expect(r.files[0]?.content.toString()).toBe(
      "import { fixture } from './helper.mjs';\nimport './other.accept.mjs';\n",
    );
  });

  it("leaves well-named files alone, and two files of one new name apart", () => {
    const input = { files: [file("greet.accept.mjs")], checks: [{ run: "node --test x" }], body: "" };
    const same = renameAcceptanceFiles(input, folder);
    expect(same.ok && same.files).toEqual(input.files);
    const both = renameAcceptanceFiles(
      { files: [file("greet.test.mjs"), file("greet.spec.mjs")], checks: [{ run: "true" }], body: "" },
      folder,
    );
    expect(both.ok && both.files.map((f) => f.rel)).toEqual(["greet.accept.mjs", "greet-2.accept.mjs"]);
  });

  it("refuses a check that runs a renamed file with another runner, or names it where it cannot be rewritten", () => {
    const vitest = renameAcceptanceFiles(
      {
        files: [file("greet.test.ts")],
        checks: [{ run: `npx vitest run ${folder}/greet.test.ts` }],
        body: "",
      },
      folder,
    );
    expect(vitest).toMatchObject({ ok: false });
    expect(!vitest.ok && vitest.reason).toMatch(/acceptance\/greet\.test\.ts: .*`npx`.*greet\.accept\.ts/);
    const cd = renameAcceptanceFiles(
      {
        files: [file("greet.test.mjs")],
        checks: [{ run: `cd ${folder} && node --test greet.test.mjs` }],
        body: "",
      },
      folder,
    );
    expect(!cd.ok && cd.reason).toMatch(/cannot be rewritten/);
  });
});
