import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isTempFile, watchFleet } from "../../src/watcher/watch-fleet.js";
import { tempDir } from "../helpers/temp-repo.js";

/** Watches `dir`, collecting the paths handed on and the errors; `until(file)` waits for a path (5 s). */
function watching(dir: string) {
  const seen = new Set<string>();
  const errors: Error[] = [];
  const watcher = watchFleet(
    dir,
    (files) => {
      for (const f of files) seen.add(f);
    },
    (err) => errors.push(err),
  );
  const until = (file: string) =>
    new Promise<void>((resolve, reject) => {
      const end = Date.now() + 5000;
      const tick = () =>
        seen.has(file)
          ? resolve()
          : Date.now() > end
            ? reject(new Error(`no event for ${file}; saw ${[...seen].join(", ")}`))
            : setTimeout(tick, 10);
      tick();
    });
  return { watcher, seen, errors, until };
}

describe("watchFleet", () => {
  it("hands on the paths of files written under .fleet/, including new folders", async () => {
    const dir = path.join(tempDir(), ".fleet");
    mkdirSync(dir);
    const { watcher: w, errors, until } = watching(dir);
    await w.ready;
    mkdirSync(path.join(dir, "queue"));
    const file = path.join(dir, "queue", "x.md");
    writeFileSync(file, "# X\n");
    await until(file);
    await w.close();
    expect(errors).toEqual([]);
  });

  it("hands on a rename over a file (an atomic save), and files in folders made in one go", async () => {
    const dir = path.join(tempDir(), ".fleet");
    mkdirSync(path.join(dir, "queue"), { recursive: true });
    writeFileSync(path.join(dir, "queue", "a.md"), "# A\n");
    const { watcher: w, seen, errors, until } = watching(dir);
    await w.ready;
    const target = path.join(dir, "queue", "a.md");
    writeFileSync(`${target}.tmp-1234`, "# A, saved\n");
    renameSync(`${target}.tmp-1234`, target);
    await until(target);

    // mkdir -p and a write at once: the file lands before the new folders' watches exist.
    const deep = path.join(dir, "acceptance", "t1", "check.test.mjs");
    mkdirSync(path.dirname(deep), { recursive: true });
    writeFileSync(deep, "test\n");
    await until(deep);
    // And the new folder is watched from then on.
    const later = path.join(dir, "acceptance", "t1", "more.txt");
    writeFileSync(later, "more\n");
    await until(later);

    // A folder removed is no error, and scratch files never show.
    rmSync(path.join(dir, "acceptance"), { recursive: true });
    writeFileSync(path.join(dir, "queue", ".b.md.swp"), "");
    const last = path.join(dir, "queue", "c.md");
    writeFileSync(last, "# C\n");
    await until(last);
    await w.close();
    expect([...seen].some((f) => f.endsWith(".swp"))).toBe(false);
    expect(errors).toEqual([]);
  });

  it("watches .fleet/ again when it is removed and made again at once", async () => {
    const dir = path.join(tempDir(), ".fleet");
    mkdirSync(path.join(dir, "queue"), { recursive: true });
    const { watcher: w, errors, until } = watching(dir);
    await w.ready;
    rmSync(dir, { recursive: true });
    mkdirSync(path.join(dir, "queue"), { recursive: true });
    const back = path.join(dir, "queue", "back.md");
    writeFileSync(back, "# Back\n");
    await until(back);
    // And it is watched from then on.
    const later = path.join(dir, "queue", "later.md");
    writeFileSync(later, "# Later\n");
    await until(later);
    await w.close();
    expect(errors).toEqual([]);
  });

  it("reports a folder it cannot watch", async () => {
    const errors: Error[] = [];
    const w = watchFleet(
      path.join(tempDir(), "missing"),
      () => {},
      (err) => errors.push(err),
    );
    await w.close();
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining("cannot be watched")]);
  });

  it("ignores editors' scratch files", () => {
    expect(isTempFile("/r/.fleet/queue/x.md~")).toBe(true);
    expect(isTempFile("/r/.fleet/queue/.x.md.swp")).toBe(true);
    expect(isTempFile("/r/.fleet/queue/4913")).toBe(true);
    expect(isTempFile("/r/.fleet/queue/x.md")).toBe(false);
  });
});
