import { describe, expect, it } from "vitest";
import { ReconcileLoop, type Wake } from "../../src/watcher/loop.js";

function until(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const tick = () => (check() ? resolve() : setTimeout(tick, 10));
    tick();
  });
}

describe("ReconcileLoop", () => {
  it("debounces a burst of events into one reconcile that names every file", async () => {
    const wakes: Wake[] = [];
    const loop = new ReconcileLoop(async (w) => void wakes.push(w), {
      debounceMs: 50,
      rescanMs: () => 60_000,
      onError: () => {},
    });
    loop.notify(["/a"]);
    loop.notify(["/b"]);
    loop.notify(["/a"]);
    await until(() => wakes.length > 0);
    await loop.settled();
    expect(wakes).toEqual([{ full: false, files: ["/a", "/b", "/a"] }]);
    await loop.stop();
  });

  it("never runs two reconciles at once and merges wake-ups that arrive meanwhile", async () => {
    const wakes: Wake[] = [];
    let running = 0;
    let most = 0;
    let release: () => void = () => {};
    const loop = new ReconcileLoop(
      async (w) => {
        running++;
        most = Math.max(most, running);
        wakes.push(w);
        if (wakes.length === 1) await new Promise<void>((r) => (release = r));
        running--;
      },
      { rescanMs: () => 60_000, onError: () => {} },
    );
    loop.full();
    await until(() => wakes.length === 1);
    loop.wake();
    loop.notify(["/x"]);
    loop.full();
    release();
    await until(() => wakes.length === 2);
    await loop.settled();
    expect(most).toBe(1);
    expect(wakes[1]).toEqual({ full: true, files: ["/x"] });
    await loop.stop();
  });

  it("reports a failing reconcile and keeps going; rescans on the timer after a full reconcile", async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const loop = new ReconcileLoop(
      async (w) => {
        calls++;
        if (calls === 1) throw new Error("boom");
        expect(w.full).toBe(true);
      },
      { rescanMs: () => 100, onError: (e) => errors.push(e) },
    );
    loop.full();
    await until(() => calls >= 3);
    expect(String(errors[0])).toContain("boom");
    await loop.stop();
    const after = calls;
    await new Promise((r) => setTimeout(r, 250));
    expect(calls).toBe(after);
  });
});
