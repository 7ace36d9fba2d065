// `npm run bench`: prints figures for the targets in the issues. Asserts nothing: numbers are for people.
// Each measured command is a whole `fleet` process (node start-up included), run several times.
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { makeRepoWithTasks } from "./fixtures.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, "..", "dist", "cli", "main.js");
const preload = path.join(here, "measure-rss.mjs");
const COUNT = Number(process.env.FLEET_BENCH_TASKS ?? 10_000);
const RUNS = Number(process.env.FLEET_BENCH_RUNS ?? 7);

/** Runs `fleet <args>` in `cwd` once; returns wall ms and peak RSS in MiB. */
function measure(cwd, args) {
  const rssFile = path.join(tmpdir(), `fleet-bench-rss-${process.pid}`);
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ["--import", preload, cli, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: "1", FLEET_BENCH_RSS_FILE: rssFile },
    encoding: "utf8",
    maxBuffer: 512 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0)
    throw new Error(`fleet ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  const rss = Number(readFileSync(rssFile, "utf8")) / 1048576;
  rmSync(rssFile, { force: true });
  return { ms, rss };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function report(label, samples, target) {
  const ms = median(samples.map((s) => s.ms));
  const rss = Math.max(...samples.map((s) => s.rss));
  console.log(
    `${label.padEnd(44)} median ${ms.toFixed(0).padStart(5)} ms   peak ${rss.toFixed(0).padStart(4)} MiB${target ? `   (target ${target})` : ""}`,
  );
}

console.log(`gitfleet benchmarks — node ${process.version}, ${COUNT} tasks, ${RUNS} runs each\n`);
const root = makeRepoWithTasks(COUNT);
try {
  const first = measure(root, ["ls", "--json"]);
  report("fleet ls --json (cold: no cache yet)", [first]);
  report(
    "fleet ls --json (warm)",
    Array.from({ length: RUNS }, () => measure(root, ["ls", "--json"])),
    "≤ 250 ms, ≤ 100 MiB",
  );
  report(
    "fleet ls (board)",
    Array.from({ length: RUNS }, () => measure(root, ["ls"])),
    "≤ 250 ms, ≤ 100 MiB",
  );
  const id = readdirSync(path.join(root, ".fleet", "queue"))[COUNT >> 1].slice(0, -3);
  report(
    `fleet show <id>`,
    Array.from({ length: RUNS }, () => measure(root, ["show", id, "--json"])),
  );
  // Search reads every task file as text (and research and plans), like `git grep` does: that is the floor.
  const word = String(COUNT >> 2);
  report(
    `fleet search number ${word}`,
    Array.from({ length: RUNS }, () => measure(root, ["search", "number", word, "--json"])),
  );
  const grep = Array.from({ length: RUNS }, () => {
    const start = process.hrtime.bigint();
    spawnSync(
      "git",
      [
        "grep",
        "-i",
        "-l",
        "--all-match",
        "-e",
        "number",
        "-e",
        word,
        "--",
        ".fleet/queue",
        ".fleet/research",
        ".fleet/plans",
      ],
      {
        cwd: root,
        encoding: "utf8",
      },
    );
    return Number(process.hrtime.bigint() - start) / 1e6;
  });
  console.log(
    `${"git grep of the same words (the floor)".padEnd(44)} median ${median(grep).toFixed(0).padStart(5)} ms`,
  );
  const extra = path.join(here, "daemon.mjs");
  try {
    readFileSync(extra);
    const { benchDaemon } = await import(extra);
    await benchDaemon({ root, cli, count: COUNT, report, measure });
  } catch (err) {
    if (err.code !== "ENOENT") throw err;
  }
  const pipeline = await import(path.join(here, "pipeline.mjs"));
  await pipeline.benchIdea({ cli, makeRepoWithTasks });
  await pipeline.benchPipeline({ cli });
  await (await import(path.join(here, "sandbox.mjs"))).benchSandbox();
  await (await import(path.join(here, "ship-queue.mjs"))).benchShipQueue();
  await (await import(path.join(here, "remote.mjs"))).benchRemote();
  await (await import(path.join(here, "merge-check.mjs"))).benchMergeCheck();
  const { benchBoard } = await import(path.join(here, "board.mjs"));
  await benchBoard({ root, cli, count: COUNT, report, measure });
  await (await import(path.join(here, "fanout.mjs"))).benchFanout({ cli });
} finally {
  execFileSync("rm", ["-rf", root]);
}
