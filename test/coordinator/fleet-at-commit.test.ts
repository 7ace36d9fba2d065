import { chmodSync, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { withFleetFilesAt } from "../../src/coordinator/fleet-at-commit.js";
import { findRepo } from "../../src/git/repo.js";
import { gitOut, tempRepo, writeFile } from "../helpers/temp-repo.js";

describe("withFleetFilesAt", () => {
  it("gives exactly the committed files of the chosen paths, byte for byte, and no work-tree edit", async () => {
    const root = tempRepo();
    writeFile(root, ".fleet/config.md", "---\nconcurrency: 3\n---\n");
    writeFile(root, ".fleet/gates/lint.md", "---\nkind: command\nrun: lint\n---\n");
    writeFile(root, ".fleet/gates/deep/x.sh", "#!/bin/sh\n");
    chmodSync(path.join(root, ".fleet/gates/deep/x.sh"), 0o755);
    writeFile(root, ".fleet/queue/t.md", "# not asked for\n");
    gitOut(root, "add", ".fleet");
    gitOut(root, "commit", "-qm", "defs");
    const commit = gitOut(root, "rev-parse", "HEAD");
    writeFile(root, ".fleet/config.md", "---\nconcurrency: 9\n---\n");
    writeFile(root, ".fleet/gates/new.md", "uncommitted\n");
    const repo = await findRepo(root);
    const seen = await withFleetFilesAt(
      repo,
      commit,
      [".fleet/config.md", ".fleet/agents/", ".fleet/gates/"],
      (at) => ({
        config: readFileSync(path.join(at, ".fleet/config.md"), "utf8"),
        gates: readdirSync(path.join(at, ".fleet/gates")).sort(),
        exec: statSync(path.join(at, ".fleet/gates/deep/x.sh")).mode & 0o111,
        agents: existsSync(path.join(at, ".fleet/agents")),
        queue: existsSync(path.join(at, ".fleet/queue")),
        at,
      }),
    );
    expect(seen).toMatchObject({
      config: "---\nconcurrency: 3\n---\n",
      gates: ["deep", "lint.md"],
      agents: false,
      queue: false,
    });
    expect(seen.exec).not.toBe(0);
    expect(existsSync(seen.at)).toBe(false);
    expect(gitOut(root, "status", "--porcelain")).toBe("M .fleet/config.md\n?? .fleet/gates/new.md");
  });
});
