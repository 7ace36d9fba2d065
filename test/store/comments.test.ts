import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { carryComments } from "../../src/store/comments.js";
import { parseFrontmatter } from "../../src/store/frontmatter.js";
import { fleetPaths } from "../../src/store/paths.js";
import { readTask } from "../../src/store/read-tasks.js";
import { writeTask } from "../../src/store/write-records.js";
import { tempDir, writeFile } from "../helpers/temp-repo.js";

const BY_HAND = `---
# Asked for by the support team, see ticket 4411.
id: dark-mode
title: Dark mode
phase: idea
status: draft
priority: 1   # the CEO asked twice
depends_on: []   # nothing yet
touches: ["src/theme/**"]
# keep this last: our notes
---
Eyes hurt at night.
`;

describe("carryComments", () => {
  it("keeps comment lines above their key and comments after a value, wherever the keys move", () => {
    const next = `---\nid: dark-mode\ntitle: Dark mode\nphase: research\nstatus: ready\npriority: 1\ndepends_on: []\ntouches: [src/theme/**]\nreason: null\n---\nEyes hurt at night.\n`;
    const out = carryComments(BY_HAND, next);
    expect(out).toBe(
      `---\n# Asked for by the support team, see ticket 4411.\nid: dark-mode\ntitle: Dark mode\nphase: research\nstatus: ready\npriority: 1   # the CEO asked twice\ndepends_on: []   # nothing yet\ntouches: [src/theme/**]\nreason: null\n# keep this last: our notes\n---\nEyes hurt at night.\n`,
    );
    expect(parseFrontmatter(out).data).toEqual(parseFrontmatter(next).data);
    // Stable: carrying again from what it wrote changes nothing.
    expect(carryComments(out, next)).toBe(out);
  });

  it("never takes a # inside a value, a quoted string or a block scalar for a comment", () => {
    const previous = `---\nid: a\ntitle: "Issue #12 # not a comment"\nurl: http://x/#frag\nquestion: |-\n  # a heading in the question\n  more\n---\n`;
    const next = `---\nid: a\ntitle: 'Issue #12 # not a comment'\nurl: http://x/#frag\nquestion: |-\n  # a heading in the question\n  more\n---\n`;
    expect(carryComments(previous, next)).toBe(next);
    // A quoted title over two lines: its first line does not parse alone, and is no comment either.
    const folded = `---\nid: a\ntitle: "Issue #12\n  continued"\n---\n`;
    const plain = `---\nid: a\ntitle: 'Issue #12 continued'\n---\n`;
    expect(carryComments(folded, plain)).toBe(plain);
  });

  it("moves the comments of a key that is gone to the end, and leaves files without comments alone", () => {
    const out = carryComments(`---\nid: a\n# why it is merged\nmerged_into: b\n---\n`, `---\nid: a\n---\n`);
    expect(out).toBe(`---\nid: a\n# why it is merged\n---\n`);
    const plain = `---\nid: a\n---\nbody\n`;
    expect(carryComments(`---\nid: a\ntitle: x\n---\n`, plain)).toBe(plain);
    expect(carryComments(null, plain)).toBe(plain);
  });
});

describe("writeTask", () => {
  it("rewrites a hand-written task with new fields and keeps its comments", async () => {
    const root = tempDir();
    writeFile(root, ".fleet/queue/dark-mode.md", BY_HAND);
    const paths = fleetPaths(root);
    const read = readTask(paths, "dark-mode");
    if (!read?.ok) throw new Error("the task does not load");
    await writeTask(paths, { ...read.task.record, status: "ready" }, read.task.body);
    const text = readFileSync(path.join(root, ".fleet/queue/dark-mode.md"), "utf8");
    expect(text).toContain("# Asked for by the support team, see ticket 4411.\nid: dark-mode\n");
    expect(text).toContain("priority: 1   # the CEO asked twice\n");
    expect(text).toContain("depends_on: []   # nothing yet\n");
    expect(text).toMatch(/# keep this last: our notes\n---\nEyes hurt at night\.\n$/);
    const again = readTask(paths, "dark-mode");
    expect(again?.ok && again.task.record).toMatchObject({ status: "ready", priority: 1 });
  });
});
