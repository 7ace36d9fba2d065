/**
 * The acceptance names fleet gives (`<name>.accept.<ext>`) are skipped by the default file search of
 * node's test runner, vitest, jest, mocha, ava and uvu — each run for real in a project that has one
 * test of its own, and the acceptance file under `.fleet/acceptance/`. Every file notes that it was
 * loaded in a marker folder, so a runner that loads a file is caught whatever it then reports. The
 * same runners do load the name a planner would pick (`greet.test.js`), so the test can fail.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { uvuScansFleet } from "../../src/commands/init-detect.js";
import { acceptanceName } from "../../src/lifecycle/acceptance-names.js";
import { tempDir } from "../helpers/temp-repo.js";

const modules = path.resolve("node_modules");
const bin = (name: string) => path.join(modules, ".bin", name);

/** A CommonJS file that writes `<marks>/<its name>` when loaded, and registers a test where it can. */
function probe(marks: string): string {
  return [
    "const fs = require('node:fs');",
    "const path = require('node:path');",
    `fs.writeFileSync(path.join(${JSON.stringify(marks)}, path.basename(__filename)), '');`,
    "if (typeof test === 'function') test('loaded', () => {});",
    "else if (typeof it === 'function') it('loaded', () => {});",
    "",
  ].join("\n");
}

/** A project with `test/own.test.js` and `.fleet/acceptance/t/<names…>`; returns its root and marker folder. */
function project(acceptance: readonly string[]): { root: string; marks: string } {
  const root = tempDir("fleet-runners-");
  const marks = path.join(root, "..", `${path.basename(root)}-marks`);
  mkdirSync(marks);
  writeFileSync(path.join(root, "package.json"), JSON.stringify({ name: "p", version: "1.0.0" }));
  symlinkSync(modules, path.join(root, "node_modules"));
  mkdirSync(path.join(root, "test"));
  writeFileSync(path.join(root, "test", "own.test.js"), probe(marks));
  for (const name of acceptance) {
    const file = path.join(root, ".fleet", "acceptance", "t", name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, probe(marks));
  }
  return { root, marks };
}

/** Each runner as a project's `npm test` calls it by default (no file arguments). */
const RUNNERS: Record<string, string[]> = {
  "node --test": [process.execPath, "--test"],
  vitest: [bin("vitest"), "run"],
  jest: [bin("jest")],
  mocha: [bin("mocha")],
  ava: [bin("ava")],
  uvu: [bin("uvu")],
};

/** Runs `argv` in `root` and returns the names of the files it loaded. */
function loaded(root: string, marks: string, argv: readonly string[]): string[] {
  const [cmd, ...args] = argv as [string, ...string[]];
  const r = spawnSync(cmd, args, {
    cwd: root,
    encoding: "utf8",
    timeout: 120_000,
    env: { PATH: process.env.PATH, HOME: root, CI: "1", NO_COLOR: "1" },
  });
  if (r.error) throw r.error;
  return readdirSync(marks).sort();
}

describe("acceptance file names and the projects' own test runners", () => {
  const accept = acceptanceName("greet.test.js");
  it.each(Object.keys(RUNNERS))("%s skips .fleet/acceptance/<id>/greet.accept.js", (runner) => {
    expect(accept).toBe("greet.accept.js");
    const { root, marks } = project([accept, acceptanceName("test/helper.js")]);
    expect(existsSync(path.join(root, ".fleet/acceptance/t/checks/helper.accept.js"))).toBe(true);
    expect(loaded(root, marks, RUNNERS[runner] ?? [])).toEqual(["own.test.js"]);
  });

  it("the names a planner would pick are loaded by node --test, vitest, jest and uvu", () => {
    const seen: Record<string, string[]> = {};
    for (const runner of ["node --test", "vitest", "jest", "uvu"]) {
      const { root, marks } = project(["greet.test.js"]);
      seen[runner] = loaded(root, marks, RUNNERS[runner] ?? []);
    }
    expect(seen).toEqual({
      "node --test": ["greet.test.js", "own.test.js"],
      vitest: ["greet.test.js", "own.test.js"],
      jest: ["greet.test.js", "own.test.js"],
      uvu: ["greet.test.js", "own.test.js"],
    });
  });

  it("`uvu .` loads any .js under .fleet/, and the fix init proposes makes it skip them", () => {
    const { root, marks } = project([accept]);
    expect(loaded(root, marks, [bin("uvu"), "."])).toEqual(["greet.accept.js", "own.test.js"]);
    const fixed = uvuScansFleet("uvu .");
    expect(fixed).toBe("uvu . -i .fleet");
    execFileSync("rm", ["-f", path.join(marks, "greet.accept.js"), path.join(marks, "own.test.js")]);
    expect(loaded(root, marks, [bin("uvu"), ".", "-i", ".fleet"])).toEqual(["own.test.js"]);
    expect(uvuScansFleet("uvu tests")).toBe("uvu tests -i .fleet");
    expect(uvuScansFleet("uvu")).toBeNull();
    expect(uvuScansFleet("uvu . -i dist")).toBe("uvu . -i dist -i .fleet");
    expect(uvuScansFleet("uvu . --ignore=fleet")).toBeNull();
    expect(uvuScansFleet("c8 uvu src test && tsc")).toBe("c8 uvu src test -i .fleet && tsc");
  });
});
