import { describe, expect, it } from "vitest";
import { globsOverlap, scopeOf, touchesOverlap } from "../../src/lifecycle/touches.js";

describe("touches", () => {
  it("confines a glob to the folder before its first glob character", () => {
    expect(scopeOf("src/api/**")).toEqual(["src", "api"]);
    expect(scopeOf("./src/api/users.ts")).toEqual(["src", "api", "users.ts"]);
    expect(scopeOf("src/a*.ts")).toEqual(["src"]);
    expect(scopeOf("**/*.ts")).toEqual([]);
    expect(scopeOf("*.md")).toEqual([]);
    expect(scopeOf("src/{a,b}/x.ts")).toEqual(["src"]);
    expect(scopeOf("/src//lib/")).toEqual(["src", "lib"]);
  });

  it("overlaps when one scope contains the other, by whole path segments", () => {
    expect(globsOverlap("src/api/**", "src/api/users.ts")).toBe(true);
    expect(globsOverlap("src/api/users.ts", "src/api/**")).toBe(true);
    expect(globsOverlap("src/api", "src/api/users.ts")).toBe(true);
    expect(globsOverlap("src/api/**", "src/web/**")).toBe(false);
    expect(globsOverlap("src/a.ts", "src/a.tsx")).toBe(false);
    expect(globsOverlap("src/api/**", "src/apix/**")).toBe(false);
    expect(globsOverlap("src/*.ts", "src/*.md")).toBe(true);
    expect(globsOverlap("**", "docs/x.md")).toBe(true);
    expect(globsOverlap("!src/x", "docs/y")).toBe(true);
  });

  it("compares lists pairwise; an empty list overlaps nothing", () => {
    expect(touchesOverlap(["docs/**", "src/a.ts"], ["src/**"])).toBe(true);
    expect(touchesOverlap(["docs/**"], ["src/**", "test/**"])).toBe(false);
    expect(touchesOverlap([], ["**"])).toBe(false);
    expect(touchesOverlap([], [])).toBe(false);
  });
});
