import { describe, expect, it } from "vitest";
import { matchesGlob, matchingGlobs } from "../../src/gates/match-glob.js";

describe("matchesGlob", () => {
  it("matches ** across any number of segments", () => {
    expect(matchesGlob(".github/workflows/ci.yml", ".github/**")).toBe(true);
    expect(matchesGlob(".github", ".github/**")).toBe(false);
    expect(matchesGlob("db/migrations/001.sql", "**/migrations/**")).toBe(true);
    expect(matchesGlob("migrations/001.sql", "**/migrations/**")).toBe(true);
    expect(matchesGlob("src/migrations.ts", "**/migrations/**")).toBe(false);
  });

  it("keeps * and ? inside one segment", () => {
    expect(matchesGlob("src/a.ts", "src/*.ts")).toBe(true);
    expect(matchesGlob("src/deep/a.ts", "src/*.ts")).toBe(false);
    expect(matchesGlob("a1.txt", "a?.txt")).toBe(true);
    expect(matchesGlob("a/b", "a?b")).toBe(false);
    expect(matchesGlob(".env", "*")).toBe(true);
  });

  it("treats a plain path as the file or everything below it", () => {
    expect(matchesGlob("package.json", "package.json")).toBe(true);
    expect(matchesGlob("sub/package.json", "package.json")).toBe(false);
    expect(matchesGlob("migrations/x/y.sql", "migrations")).toBe(true);
    expect(matchesGlob("migrationsX", "migrations")).toBe(false);
  });

  it("supports {a,b} and escapes regex characters", () => {
    expect(matchesGlob("src/a.ts", "src/*.{ts,js}")).toBe(true);
    expect(matchesGlob("src/a.js", "src/*.{ts,js}")).toBe(true);
    expect(matchesGlob("src/a.md", "src/*.{ts,js}")).toBe(false);
    expect(matchesGlob("a+b(1).txt", "a+b(1).txt")).toBe(true);
    expect(matchesGlob("aab(1)xtxt", "a+b(1).txt")).toBe(false);
  });

  it("lists which globs match", () => {
    expect(matchingGlobs(".ci/run", [".github/**", ".ci/**", "**"])).toEqual([".ci/**", "**"]);
  });
});
