/**
 * Hostile files are data: task, plan and run files are read with limits (size, YAML nodes, no
 * anchors or aliases), must be UTF-8 without control characters in ids and titles, and are never
 * written through a symlink or when they are not regular files. Each is reported with its path and
 * reason and left byte for byte as it was, while the other tasks still load.
 */
import { execFileSync } from "node:child_process";
import { lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeFileAtomically } from "../../src/store/atomic-write.js";
import { FrontmatterError, parseFrontmatter } from "../../src/store/frontmatter.js";
import { fleetPaths } from "../../src/store/paths.js";
import { readTask, readTasks } from "../../src/store/read-tasks.js";
import { writeTask } from "../../src/store/write-records.js";
import { tempRepo, writeFile } from "../helpers/temp-repo.js";

/** The classic billion-laughs bomb: 9 levels of 9 aliases = 81 alias nodes, 9^9 leaves if expanded. */
function aliasBomb(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  const names = "abcdefghi";
  for (let i = 1; i < names.length; i++) {
    const prev = names[i - 1];
    lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${prev}`).join(",")}]`);
  }
  return `---\nid: bomb\ntitle: Bomb\n${lines.join("\n")}\n---\nbody\n`;
}

const GOOD = "---\nid: good\ntitle: Good\nphase: idea\nstatus: ready\n---\nBody\n";

describe("frontmatter limits", () => {
  it("refuses YAML anchors and aliases (an alias bomb) before expanding anything", () => {
    expect(() => parseFrontmatter(aliasBomb())).toThrow(FrontmatterError);
    expect(() => parseFrontmatter(aliasBomb())).toThrow(/anchor/);
    expect(() => parseFrontmatter("---\na: &x 1\n---\n")).toThrow(/anchor/);
  });

  it("refuses a frontmatter with too many YAML nodes or too deep a nesting", () => {
    const many = `---\nlist: [${Array(5000).fill("1").join(",")}]\n---\n`;
    expect(() => parseFrontmatter(many)).toThrow(/nodes/);
    const deep = `---\na: ${"[".repeat(60)}${"]".repeat(60)}\n---\n`;
    expect(() => parseFrontmatter(deep)).toThrow(FrontmatterError);
  });

  it("refuses a frontmatter block larger than the limit", () => {
    const big = `---\nnote: "${"x".repeat(70_000)}"\n---\n`;
    expect(() => parseFrontmatter(big)).toThrow(/bytes/);
  });
});

describe("hostile task files", () => {
  function queueWith(files: Record<string, string | Buffer>): { root: string; before: Map<string, Buffer> } {
    const root = tempRepo();
    writeFile(root, ".fleet/queue/good.md", GOOD);
    const before = new Map<string, Buffer>();
    for (const [name, content] of Object.entries(files)) {
      const abs = path.join(root, ".fleet/queue", name);
      writeFileSync(abs, content);
      before.set(name, readFileSync(abs));
    }
    return { root, before };
  }

  it("reports an alias bomb, a NUL byte, invalid UTF-8, a control character in the title and an oversized file, once each, and leaves them unchanged", () => {
    const { root, before } = queueWith({
      "bomb.md": aliasBomb(),
      "nul.md": Buffer.from("# Has a \0 NUL\n\nbody\n"),
      "latin1.md": Buffer.from([0x23, 0x20, 0x63, 0x61, 0x66, 0xe9, 0x0a]),
      "bell.md": '---\nid: bell\ntitle: "ring \\u0007 bell"\n---\n',
      "huge.md": `# Huge\n\n${"x".repeat(3 * 1024 * 1024)}\n`,
    });
    const set = readTasks(fleetPaths(root));
    expect([...set.tasks.keys()]).toEqual(["good"]);
    const byFile = new Map(set.problems.map((p) => [p.file, p.message]));
    expect(byFile.get(".fleet/queue/bomb.md")).toMatch(/anchor/);
    expect(byFile.get(".fleet/queue/nul.md")).toMatch(/NUL|control character/);
    expect(byFile.get(".fleet/queue/latin1.md")).toMatch(/UTF-8/);
    expect(byFile.get(".fleet/queue/bell.md")).toMatch(/control character/);
    expect(byFile.get(".fleet/queue/huge.md")).toMatch(/bytes/);
    expect(set.problems).toHaveLength(5);
    for (const [name, bytes] of before)
      expect(readFileSync(path.join(root, ".fleet/queue", name)).equals(bytes)).toBe(true);
  });

  it("does not follow a symlink in queue/: reported, never read through, never written through", async () => {
    const outside = path.join(tmpdir(), `fleet-outside-${process.pid}-${Date.now()}.md`);
    writeFileSync(outside, "# Outside the repository\n");
    const { root } = queueWith({});
    symlinkSync(outside, path.join(root, ".fleet/queue/link.md"));
    const paths = fleetPaths(root);
    const set = readTasks(paths);
    expect([...set.tasks.keys()]).toEqual(["good"]);
    expect(set.problems.map((p) => [p.file, p.message])).toEqual([
      [".fleet/queue/link.md", expect.stringMatching(/symbolic link/)],
    ]);
    expect(readTask(paths, "link")).toMatchObject({ ok: false });
    const good = readTask(paths, "good");
    if (!good?.ok) throw new Error("good did not load");
    await expect(writeTask(paths, { ...good.task.record, id: "link" }, "x\n")).rejects.toThrow(
      /symbolic link/,
    );
    expect(readFileSync(outside, "utf8")).toBe("# Outside the repository\n");
    expect(lstatSync(path.join(root, ".fleet/queue/link.md")).isSymbolicLink()).toBe(true);
  });

  it("never opens a FIFO or other non-regular file in queue/ (a read would block forever)", async () => {
    const { root } = queueWith({});
    const fifo = path.join(root, ".fleet/queue/pipe.md");
    execFileSync("mkfifo", [fifo]);
    mkdirSync(path.join(root, ".fleet/queue/dir.md"));
    const set = readTasks(fleetPaths(root));
    expect([...set.tasks.keys()]).toEqual(["good"]);
    expect(set.problems.map((p) => p.file).sort()).toEqual([".fleet/queue/dir.md", ".fleet/queue/pipe.md"]);
    await expect(writeFileAtomically(fifo, "x")).rejects.toThrow(/not a regular file/);
  });
});
