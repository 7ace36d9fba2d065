import { describe, expect, it } from "vitest";
import { FleetError } from "../../src/errors.js";
import { assertValidId, generateId, isValidId, slugify } from "../../src/store/ids.js";
import { fleetPaths, taskPath } from "../../src/store/paths.js";

describe("ids", () => {
  it("accepts the documented pattern and refuses anything that could escape .fleet/", () => {
    expect(isValidId("rate-limit-api-7k2q")).toBe(true);
    for (const bad of [
      "",
      "..",
      "../x",
      "a/b",
      "/etc/passwd",
      "a\0b",
      "A",
      "-a",
      "a b",
      "a".repeat(64),
      "a\\b",
    ]) {
      expect(isValidId(bad), bad).toBe(false);
      expect(() => assertValidId(bad)).toThrow(FleetError);
      expect(() => taskPath(fleetPaths("/repo"), bad)).toThrow(/not valid/);
    }
  });

  it("generates slug plus random suffix ids that are valid and nearly always distinct", () => {
    const ids = new Set(Array.from({ length: 200 }, () => generateId("Rate-limit the public API!")));
    // 4 base-36 characters: two of 200 ids collide in about 1% of runs (the birthday bound), so demand
    // near-distinctness; a generator that repeated itself would fall far below.
    expect(ids.size).toBeGreaterThanOrEqual(195);
    for (const id of ids) {
      expect(id).toMatch(/^rate-limit-the-public-api-[a-z0-9]{4}$/);
      expect(isValidId(id)).toBe(true);
    }
  });

  it("slugifies accents and punctuation, and never returns an empty slug", () => {
    expect(slugify("Crème brûlée — v2")).toBe("creme-brulee-v2");
    expect(slugify("!!!")).toBe("task");
  });

  it("retries when the generated id is taken", () => {
    let calls = 0;
    const id = generateId("x", () => ++calls < 3);
    expect(calls).toBe(3);
    expect(isValidId(id)).toBe(true);
  });
});
