/** Transcripts are bounded: a head and a tail within the cap, marked truncated, with the byte count. */
import { readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { OutputCapture, takeLogStats } from "../../src/agents/output-capture.js";
import { defaultExecutors } from "../../src/coordinator/executors.js";
import { fleetPaths } from "../../src/store/paths.js";
import { readRuns } from "../../src/store/read-records.js";
import { coordinator, drain, dropIdea, fleetRepo, goodAgent } from "../coordinator/helpers.js";
import { tempDir } from "../helpers/temp-repo.js";

const MiB = 1024 * 1024;

function pour(capture: OutputCapture, total: number, chunk = 64 * 1024): void {
  let n = 0;
  while (n < total) {
    const size = Math.min(chunk, total - n);
    // Each chunk says where it starts, so head and tail can be checked.
    const label = Buffer.from(`<${n}>`);
    const buf = Buffer.alloc(size, "x");
    label.copy(buf, 0, 0, Math.min(label.length, size));
    capture.write(buf, "stdout");
    n += size;
  }
}

describe("OutputCapture", () => {
  it("keeps the head and the tail of a runaway transcript within the cap, marked truncated", () => {
    const log = path.join(tempDir(), "logs", "run.log");
    const capture = new OutputCapture({ logFile: log, maxLogBytes: MiB });
    capture.note("=== start");
    pour(capture, 20 * MiB);
    capture.note("=== end");
    capture.close();
    const size = statSync(log).size;
    expect(size).toBeLessThanOrEqual(MiB + 1024);
    const text = readFileSync(log, "utf8");
    expect(text.startsWith("=== start\n<0>")).toBe(true);
    expect(text).toMatch(/\[fleet: output truncated: \d+ bytes left out/);
    expect(text).toContain(`<${20 * MiB - 64 * 1024}>`);
    expect(text.endsWith("=== end\n")).toBe(true);
    expect(takeLogStats(log)).toEqual({ bytes: 20 * MiB, truncated: true });
    expect(takeLogStats(log)).toBeNull();
  });

  it("keeps a transcript under the cap whole, and counts its bytes", () => {
    const log = path.join(tempDir(), "run.log");
    const capture = new OutputCapture({ logFile: log, maxLogBytes: MiB });
    pour(capture, 300 * 1024);
    capture.close();
    expect(statSync(log).size).toBe(300 * 1024);
    expect(readFileSync(log, "utf8")).not.toContain("truncated");
    expect(takeLogStats(log)).toEqual({ bytes: 300 * 1024, truncated: false });
  });

  it("holds the cap across captures appending to one log (several gates or retries of a run)", () => {
    const log = path.join(tempDir(), "run.log");
    writeFileSync(log, "x".repeat(900 * 1024));
    const capture = new OutputCapture({ logFile: log, maxLogBytes: MiB });
    pour(capture, 5 * MiB);
    capture.close();
    expect(statSync(log).size).toBeLessThanOrEqual(MiB + 1024);
    expect(takeLogStats(log)).toEqual({ bytes: 5 * MiB, truncated: true });
  });
});

describe("the run record of a runaway agent", () => {
  it("says how many bytes the transcript took and that it was truncated, within config.md's logs.max_bytes", async () => {
    const root = fleetRepo("concurrency: 1\nlogs: { max_bytes: 65536 }\n");
    dropIdea(root, "chatty", "---\nstatus: ready\n---\n# Chatty\n");
    const { c } = await coordinator(
      root,
      (req) => {
        // What every runner does: the child's output goes through an OutputCapture on req.logFile.
        const capture = new OutputCapture({ logFile: req.logFile });
        pour(capture, 3 * MiB);
        capture.close();
        return goodAgent(req);
      },
      { executors: { research: defaultExecutors().research } },
    );
    await drain(c);
    const [run] = readRuns(fleetPaths(root), "chatty");
    expect(run?.record).toMatchObject({ outcome: "finished", log_bytes: 3 * MiB, log_truncated: true });
    const log = path.join(root, ".git", run?.record.log ?? "");
    expect(statSync(log).size).toBeLessThanOrEqual(65536 + 1024);
  });
});
