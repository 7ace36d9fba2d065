import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeFileAtomically } from "../../src/store/atomic-write.js";
import { tempDir, writeFile } from "../helpers/temp-repo.js";

describe("writeFileAtomically", () => {
  it("creates folders, replaces the file by rename (new inode) and leaves no temp files", async () => {
    const root = tempDir();
    const file = path.join(root, "a/b/c.md");
    expect(await writeFileAtomically(file, "one\n")).toBe(true);
    const ino = statSync(file).ino;
    expect(await writeFileAtomically(file, "two\n")).toBe(true);
    expect(readFileSync(file, "utf8")).toBe("two\n");
    expect(statSync(file).ino).not.toBe(ino);
    expect(readdirSync(path.dirname(file))).toEqual(["c.md"]);
  });

  it("does not touch a file that already holds the content", async () => {
    const root = tempDir();
    const file = writeFile(root, "x.md", "same\n");
    const before = statSync(file);
    expect(await writeFileAtomically(file, "same\n")).toBe(false);
    const after = statSync(file);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it("leaves the old content in place when the write fails", async () => {
    const root = tempDir();
    const file = writeFile(root, "x.md", "old\n");
    // A directory where the parent should be makes the write fail after nothing was replaced.
    await expect(writeFileAtomically(path.join(file, "child.md"), "new\n")).rejects.toThrow();
    expect(readFileSync(file, "utf8")).toBe("old\n");
  });
});
