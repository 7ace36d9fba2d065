import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { commitFiles, GOOD_GREET, git } from "../gates/fixture.js";
import { gitOut, tempDir, writeFile } from "../helpers/temp-repo.js";
import { ship, shipProject, TASK } from "./ship-fixture.js";

const read = (root: string, file: string) => readFileSync(path.join(root, file), "utf8");
const trailers = (root: string, rev: string) =>
  gitOut(root, "log", "-1", "--format=%(trailers:only,unfold)", rev).split("\n");

describe("shipTask", () => {
  it("squashes the branch onto the base, gates it, advances the base and the person's work tree", async () => {
    const { root, repo, base } = await shipProject();
    const outcome = await ship(repo);
    expect(outcome.kind).toBe("shipped");
    if (outcome.kind !== "shipped") return;
    expect(outcome.gates.map((g) => [g.gate, g.verdict])).toEqual([
      ["test", "pass"],
      ["acceptance", "pass"],
    ]);
    expect(gitOut(root, "rev-parse", "main")).toBe(outcome.commit);
    expect(gitOut(root, "rev-parse", `${outcome.commit}^`)).toBe(base);
    expect(gitOut(root, "log", "-1", "--format=%s", "main")).toBe(
      `fleet(ship): ${TASK} merged — Greet Ada properly`,
    );
    expect(trailers(root, "main")).toContain(`Fleet-Task: ${TASK}`);
    expect(trailers(root, "main")).toContain("Fleet-Event: merged");
    expect(read(root, "src/greet.js")).toBe(GOOD_GREET);
    expect(gitOut(root, "status", "--porcelain")).toBe("");
    expect(gitOut(root, "branch", "--list", `fleet/${TASK}`)).toBe("");
    const again = await ship(repo);
    expect(again).toEqual({
      kind: "shipped",
      commit: outcome.commit,
      gates: [],
      rounds: 0,
      cost: { usd: null, input_tokens: null, output_tokens: null },
    });
  });

  it("rebases and gates again when a person commits to the base branch while the ship gates run", async () => {
    const { root, repo } = await shipProject();
    const marks = tempDir();
    const script = writeFile(
      marks,
      "person-commits.sh",
      `echo run >> "${marks}/gate-runs"\nif [ ! -e "${marks}/done" ]; then\n  touch "${marks}/done"\n  cd "${root}" && echo "# by Ada" >> README.md && git commit -qam "Ada's commit during the gates"\nfi\n`,
    );
    writeFile(
      root,
      ".fleet/gates/test.md",
      `---\nkind: command\nrun: node --test test/ && sh ${script}\n---\n`,
    );
    // The gate commits as the person would, from outside its checkout: only uncontained can it.
    const outcome = await ship(repo, { cfg: { sandbox: "off" } });
    expect(outcome.kind).toBe("shipped");
    if (outcome.kind !== "shipped") return;
    expect(outcome.rounds).toBe(2);
    expect(read(marks, "gate-runs")).toBe("run\nrun\n");
    expect(gitOut(root, "log", "-1", "--format=%s", `${outcome.commit}^`)).toBe(
      "Ada's commit during the gates",
    );
    expect(gitOut(root, "rev-parse", "main")).toBe(outcome.commit);
    expect(read(root, "README.md")).toBe("# sample\n# by Ada\n");
    expect(read(root, "src/greet.js")).toBe(GOOD_GREET);
  });

  it("does not gate again when only fleet bookkeeping landed meanwhile", async () => {
    const { root, repo } = await shipProject();
    const marks = tempDir();
    const script = writeFile(
      marks,
      "fleet-commits.sh",
      `echo run >> "${marks}/gate-runs"\nif [ ! -e "${marks}/done" ]; then\n  touch "${marks}/done"\n  cd "${root}" && mkdir -p .fleet/queue && echo "# other idea" > .fleet/queue/other.md && git add .fleet && git commit -qm "fleet(idea): other created"\nfi\n`,
    );
    writeFile(
      root,
      ".fleet/gates/test.md",
      `---\nkind: command\nrun: node --test test/ && sh ${script}\n---\n`,
    );
    git(root, "commit", "-qam", "the test gate also plays the fleet");
    git(root, "branch", "-f", `fleet/${TASK}`, commitFiles(root, "HEAD", { "src/greet.js": GOOD_GREET }));
    // The gate commits as the person would, from outside its checkout: only uncontained can it.
    const notes: string[] = [];
    const outcome = await ship(repo, { cfg: { sandbox: "off" }, note: (d) => notes.push(d) });
    expect(outcome.kind).toBe("shipped");
    if (outcome.kind !== "shipped") return;
    // Not squashed again, not gated again: the gated change was re-parented onto the fleet commit.
    expect(outcome.rounds).toBe(1);
    expect(outcome.reparented).toBe(1);
    expect(read(marks, "gate-runs")).toBe("run\n");
    expect(notes.filter((n) => n.includes("rebasing"))).toEqual([]);
    expect(notes.filter((n) => n.includes("re-parented"))).toHaveLength(1);
    expect(gitOut(root, "rev-parse", "main")).toBe(outcome.commit);
    expect(gitOut(root, "log", "-1", "--format=%s", `${outcome.commit}^`)).toBe("fleet(idea): other created");
    expect(gitOut(root, "show", `${outcome.commit}:src/greet.js`)).toBe(GOOD_GREET.trim());
    expect(gitOut(root, "show", `${outcome.commit}:.fleet/queue/other.md`)).toBe("# other idea");
    expect(gitOut(root, "diff", "--name-only", `${outcome.commit}^`, outcome.commit)).toBe("src/greet.js");
  });

  it("gates again when a fleet commit changed what the gates read (a gate file)", async () => {
    const { root, repo } = await shipProject();
    const marks = tempDir();
    const script = writeFile(
      marks,
      "fleet-commits.sh",
      `echo run >> "${marks}/gate-runs"\nif [ ! -e "${marks}/done" ]; then\n  touch "${marks}/done"\n  cd "${root}" && printf -- '---\\nkind: command\\nrun: "true"\\n---\\n' > .fleet/gates/lint.md && git add .fleet && git commit -qm "fleet: a new gate file"\nfi\n`,
    );
    writeFile(
      root,
      ".fleet/gates/test.md",
      `---\nkind: command\nrun: node --test test/ && sh ${script}\n---\n`,
    );
    git(root, "commit", "-qam", "the test gate also plays the fleet");
    git(root, "branch", "-f", `fleet/${TASK}`, commitFiles(root, "HEAD", { "src/greet.js": GOOD_GREET }));
    const outcome = await ship(repo, { cfg: { sandbox: "off" } });
    expect(outcome.kind).toBe("shipped");
    if (outcome.kind !== "shipped") return;
    expect(outcome.rounds).toBe(2);
    expect(outcome.reparented).toBe(0);
    expect(read(marks, "gate-runs")).toBe("run\nrun\n");
    expect(gitOut(root, "log", "-1", "--format=%s", `${outcome.commit}^`)).toBe("fleet: a new gate file");
  });

  it("sends a conflict back to implement with the paths, merging the base into the branch", async () => {
    const { root, repo, tip } = await shipProject();
    writeFile(root, "src/greet.js", 'export const greet = (n) => "Hey " + n;\n');
    git(root, "commit", "-qam", "Ada rewrites greet");
    const before = gitOut(root, "rev-parse", "main");
    const outcome = await ship(repo);
    expect(outcome.kind).toBe("conflict");
    if (outcome.kind !== "conflict") return;
    expect(outcome.paths).toEqual(["src/greet.js"]);
    expect(outcome.feedback).toContain("- src/greet.js");
    expect(gitOut(root, "rev-parse", "main")).toBe(before);
    const merge = gitOut(root, "rev-parse", `fleet/${TASK}`);
    expect(gitOut(root, "rev-list", "--parents", "-1", merge).split(" ").slice(1)).toEqual([tip, before]);
    expect(gitOut(root, "show", `${merge}:src/greet.js`)).toContain("<<<<<<<");
  });

  it("waits without touching a dirty work tree, then ships without gating again once it is clean", async () => {
    const { root, repo } = await shipProject();
    writeFile(root, "src/greet.js", "// Ada's unsaved idea\n");
    const waiting = await ship(repo);
    expect(waiting.kind).toBe("waiting");
    if (waiting.kind !== "waiting") return;
    expect(waiting.reason).toContain(
      `main is checked out in ${root} with uncommitted changes to src/greet.js`,
    );
    expect(read(root, "src/greet.js")).toBe("// Ada's unsaved idea\n");
    expect(gitOut(root, "log", "-1", "--format=%s", "main")).toBe("project");
    git(root, "checkout", "--", "src/greet.js");
    writeFile(root, ".fleet/gates/test.md", "---\nkind: command\nrun: exit 1\n---\n");
    git(root, "commit", "-qam", "fleet: bookkeeping that changes a gate");
    const retried = await ship(repo);
    expect(retried.kind).toBe("failed");
    git(root, "checkout", "-q", "HEAD~1", "--", ".fleet/gates/test.md");
    git(root, "commit", "-qam", "fleet: gate restored");
    const shipped = await ship(repo);
    expect(shipped.kind).toBe("shipped");
  });

  it("reuses a pass for the same gate inputs after waiting", async () => {
    const { root, repo } = await shipProject();
    const marks = tempDir();
    writeFile(root, ".fleet/gates/test.md", `---\nkind: command\nrun: echo run >> ${marks}/runs\n---\n`);
    git(root, "commit", "-qam", "count gate runs");
    writeFile(root, "src/greet.js", "// dirty\n");
    // The gate counts its runs in a file outside its checkout: only uncontained can it.
    const off = { cfg: { sandbox: "off" } };
    expect((await ship(repo, off)).kind).toBe("waiting");
    git(root, "checkout", "--", "src/greet.js");
    writeFile(root, ".fleet/queue/x.md", "# bookkeeping\n");
    git(root, "add", ".fleet");
    git(root, "commit", "-qm", "fleet bookkeeping");
    expect((await ship(repo, off)).kind).toBe("shipped");
    expect(read(marks, "runs")).toBe("run\n");
  });

  it("fails at a ship gate with feedback and leaves the base alone", async () => {
    const { root, repo, base } = await shipProject({
      "src/greet.js": 'export const greet = (n) => "Hi " + n;\n',
    });
    const outcome = await ship(repo);
    expect(outcome.kind).toBe("failed");
    if (outcome.kind !== "failed") return;
    expect(outcome.reason).toMatch(/^at ship: gate acceptance/);
    expect(outcome.feedback).toContain("Acceptance check AC1 failed");
    expect(gitOut(root, "rev-parse", "main")).toBe(base);
  });

  it("refuses a branch that touches .fleet/", async () => {
    const { root, repo, base } = await shipProject({
      "src/greet.js": GOOD_GREET,
      [`.fleet/queue/${TASK}.md`]: "---\nstatus: done\n---\n",
    });
    const outcome = await ship(repo);
    expect(outcome.kind).toBe("failed");
    if (outcome.kind !== "failed") return;
    expect(outcome.outcome).toBe("rejected");
    expect(outcome.reason).toContain(`.fleet/queue/${TASK}.md`);
    expect(gitOut(root, "rev-parse", "main")).toBe(base);
  });

  it("holds a large change for a person's approval (review.ship), and ships it once approved", async () => {
    const { repo } = await shipProject({
      "src/greet.js": GOOD_GREET,
      "docs/a.md": "a\n",
      "docs/b.md": "b\n",
    });
    const cfg = { gates: { ship: ["test"] }, review: { ship: { files_over: 2, paths: ["docs/**"] } } };
    const held = await ship(repo, { cfg });
    expect(held.kind).toBe("held");
    if (held.kind !== "held") return;
    expect(held.reason).toContain("3 files changed (more than files_over: 2)");
    expect(held.reason).toContain("it touches docs/a.md, docs/b.md");
    expect((await ship(repo, { cfg, shipApproved: true })).kind).toBe("shipped");
  });

  it("says when the branch is missing", async () => {
    const { root, repo } = await shipProject();
    git(root, "branch", "-D", `fleet/${TASK}`);
    const outcome = await ship(repo);
    expect(outcome).toMatchObject({
      kind: "blocked",
      reason: `branch fleet/${TASK} does not exist: nothing to ship`,
    });
  });
});

describe("ship on a moved base", () => {
  it("merges cleanly when the person changed other files", async () => {
    const { root, repo } = await shipProject();
    writeFile(root, "other.txt", "Ada\n");
    git(root, "add", "other.txt");
    git(root, "commit", "-qm", "Ada adds other.txt");
    const outcome = await ship(repo);
    expect(outcome.kind).toBe("shipped");
    expect(read(root, "other.txt")).toBe("Ada\n");
    expect(read(root, "src/greet.js")).toBe(GOOD_GREET);
  });
});
