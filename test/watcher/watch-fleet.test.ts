import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isTempFile, watchFleet } from "../../src/watcher/watch-fleet.js";
import { tempDir } from "../helpers/temp-repo.js";

describe("watchFleet", () => {
  it("hands on the paths of files written under .fleet/, including new folders", async () => {
    const dir = path.join(tempDir(), ".fleet");
    mkdirSync(dir);
    const seen: string[] = [];
    const w = watchFleet(
      dir,
      (files) => seen.push(...files),
      (err) => {
        throw err;
      },
    );
    await w.ready;
    mkdirSync(path.join(dir, "queue"));
    const file = path.join(dir, "queue", "x.md");
    writeFileSync(file, "# X\n");
    await new Promise<void>((resolve) => {
      const tick = () => (seen.includes(file) ? resolve() : setTimeout(tick, 20));
      tick();
    });
    await w.close();
    expect(seen).toContain(file);
  });

  it("ignores editors' scratch files", () => {
    expect(isTempFile("/r/.fleet/queue/x.md~")).toBe(true);
    expect(isTempFile("/r/.fleet/queue/.x.md.swp")).toBe(true);
    expect(isTempFile("/r/.fleet/queue/4913")).toBe(true);
    expect(isTempFile("/r/.fleet/queue/x.md")).toBe(false);
  });
});
