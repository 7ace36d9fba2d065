import { describe, expect, it } from "vitest";
import { hasShipApproval, shipHoldReason } from "../../src/coordinator/ship-review.js";

const approval = (at: string) => ({ ship_approval: { by: "Ada", at, sha256: "a".repeat(64) } });

describe("review.ship", () => {
  it("holds a change with too many files or a listed path, and says why", () => {
    expect(shipHoldReason({ files_over: null, paths: [] }, ["a", "b"])).toBeNull();
    expect(shipHoldReason({ files_over: 1, paths: [] }, ["a", "b"])).toBe(
      "2 files changed (more than files_over: 1)",
    );
    expect(
      shipHoldReason({ files_over: 5, paths: ["migrations/**"] }, ["src/a.ts", "migrations/001.sql"]),
    ).toBe("it touches migrations/001.sql (review.ship.paths: migrations/**)");
    expect(shipHoldReason({ files_over: 5, paths: ["migrations/**"] }, ["src/a.ts"])).toBeNull();
  });

  it("counts a ship approval only when given after the change it approves was made", () => {
    expect(hasShipApproval(null, "2026-11-21T03:00:00Z")).toBe(false);
    expect(hasShipApproval({ ship_approval: null }, null)).toBe(false);
    expect(hasShipApproval(approval("2026-11-21T03:05:00Z"), "2026-11-21T03:00:00Z")).toBe(true);
    expect(hasShipApproval(approval("2026-11-21T02:55:00Z"), "2026-11-21T03:00:00Z")).toBe(false);
    expect(hasShipApproval(approval("2026-11-21T02:55:00Z"), null)).toBe(true);
  });
});
