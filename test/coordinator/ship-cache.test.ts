import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { gateFingerprint } from "../../src/coordinator/ship-cache.js";
import { commitFiles, GOOD_GREET, git } from "../gates/fixture.js";
import { writeFile } from "../helpers/temp-repo.js";
import { ship, shipProject, TASK } from "./ship-fixture.js";

describe("ship gate skips", () => {
  it("are never taken from a file: a forged pass with the right fingerprint skips nothing", async () => {
    const { root, repo } = await shipProject();
    writeFile(root, ".fleet/gates/test.md", "---\nkind: command\nrun: exit 1\n---\n");
    git(root, "commit", "-qam", "a test gate that fails");
    const candidate = commitFiles(root, "HEAD", { "src/greet.js": GOOD_GREET });
    git(root, "branch", "-f", `fleet/${TASK}`, candidate);
    const forged = {
      fingerprint: await gateFingerprint(repo, candidate, TASK),
      names: ["test", "acceptance"],
      results: [],
    };
    const dir = path.join(repo.commonDir, "fleet", "cache", "ship-gates");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${TASK}.json`), JSON.stringify(forged));
    const outcome = await ship(repo);
    expect(outcome.kind).toBe("failed");
    if (outcome.kind !== "failed") return;
    expect(outcome.gates.map((g) => [g.gate, g.verdict])).toEqual([
      ["test", "fail"],
      ["acceptance", "skipped"],
    ]);
  });
});
