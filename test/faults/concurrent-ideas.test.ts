/**
 * Eight `fleet idea` at once, while the person commits in a loop: every one exits 0 and every idea is
 * on HEAD (one of eight used to exit 6, "cannot lock ref 'HEAD'", though its idea was kept).
 */
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { CLI } from "../helpers/run-fleet.js";
import { gitOut, tempDir, tempRepo, testEnv, writeFile } from "../helpers/temp-repo.js";

function fleet(root: string, args: string[]): Promise<{ code: number | null; err: string }> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: root,
    env: testEnv(tempDir("fleet-home-")),
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  child.stderr?.on("data", (c: Buffer) => {
    err += c.toString();
  });
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, err })));
}

describe("concurrent fleet idea", () => {
  it("8 at once, with the person committing meanwhile: all exit 0, all on HEAD", async () => {
    const root = tempRepo();
    writeFile(root, ".fleet/config.md", "---\n---\n");
    gitOut(root, "add", ".fleet");
    gitOut(root, "commit", "-q", "-m", "fleet");
    const person = spawn(
      "sh",
      ["-c", "while :; do git commit -q --allow-empty --no-verify -m person || true; sleep 0.5; done"],
      { cwd: root, stdio: "ignore" },
    );
    try {
      for (let round = 0; round < 2; round++) {
        const runs = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            fleet(root, ["idea", `Idea ${round}-${i}`, "--id", `idea-${round}-${i}`]),
          ),
        );
        for (const r of runs) expect(r.code, r.err).toBe(0);
      }
    } finally {
      person.kill("SIGKILL");
      await new Promise((r) => person.once("exit", r));
    }
    const files = gitOut(root, "ls-tree", "-r", "--name-only", "HEAD", ".fleet/queue").split("\n");
    expect(files).toHaveLength(16);
    expect(gitOut(root, "status", "--porcelain")).toBe("");
  });
});
