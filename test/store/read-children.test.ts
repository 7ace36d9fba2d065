import { linkSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readChildren } from "../../src/store/read-children.js";
import { MAX_CHILD_BYTES, MAX_CHILDREN } from "../../src/store/schemas/child.js";
import { tempDir } from "../helpers/temp-repo.js";

function folder(files: Record<string, string>): string {
  const dir = path.join(tempDir("children-"), "children");
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}
const messages = (dir: string) => {
  const r = readChildren(dir, "children");
  return r.ok ? [] : r.problems.map((p) => `${p.file}${p.field ? ` (${p.field})` : ""}: ${p.message}`);
};

describe("readChildren: proposed child tasks are hostile input", () => {
  it("reads valid children with their defaults, and no folder as no children", () => {
    const dir = folder({
      "a.md": "---\ntitle: A\n---\nBody.\n",
      "b.md": "---\ntitle: B\ndepends_on: [a]\npriority: 0\n---\n",
    });
    const r = readChildren(dir, "children");
    expect(r.ok && r.proposals).toEqual([
      { slug: "a", child: { title: "A", touches: [], depends_on: [] }, body: "Body.\n" },
      { slug: "b", child: { title: "B", touches: [], depends_on: ["a"], priority: 0 }, body: "" },
    ]);
    expect(readChildren(path.join(dir, "nope"), "children")).toEqual({ ok: true, proposals: [] });
  });

  it("reports every bad file at once, naming file and field", () => {
    const dir = folder({
      "a.md": "---\ntitle: A\nstatus: done\nparent: someone\n---\n",
      "b.md": "no frontmatter at all\n",
      "c.md": '---\ntitle: "C\\u0007"\ntouches: nope\n---\n',
      "Bad Name.md": "---\ntitle: X\n---\n",
      "d.md": "---\ntitle: [unclosed\n---\n",
    });
    const all = messages(dir).join("\n");
    expect(all).toContain("children/Bad Name.md: not a child file");
    expect(all).toMatch(/children\/a\.md: Unrecognized keys: "status", "parent"/);
    expect(all).toContain("children/b.md: a child task needs frontmatter");
    expect(all).toMatch(/children\/c\.md \(title\): holds a control character/);
    expect(all).toMatch(/children\/c\.md \(touches\): /);
    expect(all).toMatch(/children\/d\.md: /);
  });

  it("refuses links, oversized files and too many children", () => {
    const dir = folder({ "a.md": "---\ntitle: A\n---\n" });
    symlinkSync("/etc/passwd", path.join(dir, "link.md"));
    linkSync(path.join(dir, "a.md"), path.join(dir, "hard.md"));
    writeFileSync(path.join(dir, "big.md"), `---\ntitle: Big\n---\n${"x".repeat(MAX_CHILD_BYTES)}`);
    const all = messages(dir).join("\n");
    expect(all).toMatch(/children\/link\.md: is a symbolic link/);
    expect(all).toMatch(/children\/hard\.md: is a hard link/);
    expect(all).toMatch(/children\/big\.md: is \d+ bytes, over the 65536-byte limit/);
    const many: Record<string, string> = {};
    for (let i = 0; i <= MAX_CHILDREN; i++) many[`c${i}.md`] = `---\ntitle: C${i}\n---\n`;
    expect(messages(folder(many))).toContain(
      `children/: holds ${MAX_CHILDREN + 1} entries; a plan may propose at most ${MAX_CHILDREN} children`,
    );
  });
});
