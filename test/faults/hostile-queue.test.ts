/**
 * Hostile files dropped into `queue/` under a running daemon: an alias bomb, a NUL byte, bytes that
 * are not UTF-8, a control character in a title, an oversized file, a symbolic link out of the
 * repository, a FIFO and a folder. Each is reported once with its path and reason and left byte for
 * byte as it was; nothing of them is committed; every other task still ships.
 */
import { execFileSync } from "node:child_process";
import { lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { startFleet, waitFor } from "../e2e/daemon-helpers.js";
import { gitOut, tempDir } from "../helpers/temp-repo.js";
import { checkFleet, faultFleet } from "./fault-fleet.js";

function aliasBomb(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  const names = "abcdefghi";
  for (let i = 1; i < names.length; i++)
    lines.push(
      `${names[i]}: &${names[i]} [${Array(9)
        .fill(`*${names[i - 1]}`)
        .join(",")}]`,
    );
  return `---\nid: bomb\ntitle: Bomb\nstatus: ready\n${lines.join("\n")}\n---\n# Bomb\n`;
}

describe("hostile files in queue/ under a running daemon", () => {
  it("are reported once each, left unchanged and uncommitted, while the other tasks ship", async () => {
    const f = faultFleet(2);
    const outside = path.join(tempDir(), "outside.md");
    writeFileSync(outside, "# Outside the repository\n");
    const q = path.join(f.root, ".fleet/queue");
    const files: Record<string, Buffer> = {
      "bomb.md": Buffer.from(aliasBomb()),
      "nul.md": Buffer.from("# A \0 NUL\n"),
      "latin1.md": Buffer.from([0x23, 0x20, 0x63, 0x61, 0x66, 0xe9, 0x0a]),
      "bell.md": Buffer.from('---\nstatus: ready\ntitle: "ring \\u0007"\n---\n'),
      "huge.md": Buffer.from(`# Huge\n\n${"x".repeat(3 * 1024 * 1024)}\n`),
    };
    const d = startFleet(f.root);
    await waitFor(
      "the daemon to scan",
      () => d.out().includes("scanned"),
      30_000,
      () => d.err(),
    );
    for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(q, name), bytes);
    symlinkSync(outside, path.join(q, "link.md"));
    execFileSync("mkfifo", [path.join(q, "pipe.md")]);
    mkdirSync(path.join(q, "folder.md"));
    const names = [...Object.keys(files), "link.md", "pipe.md", "folder.md"];
    await waitFor(
      "the other tasks to ship",
      () => f.ids.every((id) => f.task(id).phase === "done"),
      120_000,
      () => `${d.out()}\n${d.err()}`,
    );
    // A few more rescans and events, to see nothing is reported twice.
    writeFileSync(path.join(f.root, ".fleet/queue/t1.md"), readFileSync(path.join(q, "t1.md")));
    await new Promise((r) => setTimeout(r, 2_500));
    d.child.kill("SIGTERM");
    expect(await d.exited, d.err()).toBe(0);

    const out = d.out();
    for (const name of names) {
      const lines = out.split("\n").filter((l) => l.includes(`.fleet/queue/${name}`));
      expect(lines, `reports of ${name}:\n${out}`).toHaveLength(1);
    }
    expect(out).toMatch(/bomb\.md.*anchors and aliases/);
    expect(out).toMatch(/link\.md.*symbolic link/);
    expect(out).toMatch(/pipe\.md.*not a regular file/);
    for (const [name, bytes] of Object.entries(files))
      expect(readFileSync(path.join(q, name)).equals(bytes)).toBe(true);
    expect(readFileSync(outside, "utf8")).toBe("# Outside the repository\n");
    expect(lstatSync(path.join(q, "link.md")).isSymbolicLink()).toBe(true);
    const tracked = gitOut(f.root, "ls-files", ".fleet/queue").split("\n");
    for (const name of names) expect(tracked).not.toContain(`.fleet/queue/${name}`);

    for (const name of names) rmSync(path.join(q, name), { recursive: true, force: true });
    checkFleet(f);
  });
});
