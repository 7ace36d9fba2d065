import { rmSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { indexLockNotice } from "../../src/watcher/index-lock-notice.js";
import { tempDir } from "../helpers/temp-repo.js";

describe("indexLockNotice", () => {
  it("tells once per left-behind index.lock, and again for a new one", () => {
    const lock = path.join(tempDir(), "index.lock");
    const told: string[] = [];
    const check = indexLockNotice(lock, (advice) => told.push(advice), 60_000);
    const age = (minutes: number) => {
      const t = new Date(Date.now() - minutes * 60_000);
      utimesSync(lock, t, t);
    };

    check();
    writeFileSync(lock, "");
    check(); // fresh: git may be writing the index right now
    expect(told).toEqual([]);

    age(12);
    check();
    check();
    expect(told).toHaveLength(1);
    expect(told[0]).toContain(`${lock} is 12 min old`);
    expect(told[0]).toContain(`rm '${lock}'`);

    age(30); // another lock, left by another killed git
    check();
    expect(told).toHaveLength(2);

    rmSync(lock);
    check();
    writeFileSync(lock, "");
    age(15);
    check();
    expect(told).toHaveLength(3);
  });
});
