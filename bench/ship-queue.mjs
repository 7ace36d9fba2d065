// The merge queue's figures for `npm run bench` (issue 14): 30 ready ships drained by `fleet run
// --until-idle` with batching off (`ship.batch: 1`) and with `ship: { batch: 4 }`, and the ratio.
// The agent is the model-free `script` runner with its generic outputs (a no-op agent); the ship gate
// is a real command gate in a clean checkout (`node --test` over one small test file). Prints; asserts
// nothing. Alone: `node bench/ship-queue.mjs` after `npm run build` (FLEET_BENCH_SHIPS=30 by default).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, "..", "dist");
const cli = path.join(dist, "cli", "main.js");

function git(cwd, ...args) {
  return execFileSync("git", args, { cwd, encoding: "utf8", stdio: "pipe" }).trim();
}

/** A project with `count` ideas, each with its own `touches`, that the script runner can carry to ship. */
function makeProject(count) {
  const root = mkdtempSync(path.join(tmpdir(), "fleet-bench-ships-"));
  git(root, "init", "-q", "-b", "main");
  git(root, "config", "user.name", "Bench");
  git(root, "config", "user.email", "bench@example.com");
  const put = (rel, text) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  };
  put("package.json", '{ "name": "bench-ships", "private": true, "type": "module" }\n');
  put("test/smoke.test.mjs", 'import { test } from "node:test";\ntest("smoke", () => {});\n');
  put(
    ".fleet/config.md",
    "---\nconcurrency: 4\nreview: { plan: auto }\ngates: { implement: [acceptance], ship: [test, acceptance] }\n---\n",
  );
  put(".fleet/gates/test.md", "---\nkind: command\nrun: node --test test/\n---\n");
  for (const name of ["researcher", "planner", "implementer"])
    put(`.fleet/agents/${name}.md`, `---\nrunner: script\n---\nYou are the ${name}.\n`);
  const past = new Date(Date.now() - 60_000);
  for (let i = 0; i < count; i++) {
    const id = `ship-${String(i).padStart(2, "0")}`;
    put(
      `.fleet/queue/${id}.md`,
      `---\nstatus: ready\ntouches: ["scripted/${id}.md"]\ncreated: 2026-12-01T00:00:${String(i).padStart(2, "0")}Z\n---\n# Ship number ${i}\n`,
    );
    utimesSync(path.join(root, `.fleet/queue/${id}.md`), past, past);
  }
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "bench: 30 ideas");
  return root;
}

/** Drives every idea to `ship / ready` in-process (the stock executors without ship). */
async function upToShip(root) {
  const load = (rel) => import(pathToFileURL(path.join(dist, rel)).href);
  const { Coordinator } = await load("coordinator/coordinator.js");
  const { defaultExecutors } = await load("coordinator/executors.js");
  const { getRunner } = await load("agents/index.js");
  const { findRepo } = await load("git/repo.js");
  const { research, plan, implement } = defaultExecutors();
  const c = new Coordinator({
    repo: await findRepo(root),
    getRunner,
    executors: { research, plan, implement },
  });
  for (;;) {
    const r = await c.reconcile({ full: true });
    if (c.running().size === 0 && r.started.length === 0) break;
    await c.whenJobEnds();
  }
}

/** Drains the ready ships of a copy of `prepared` with `ship.batch: batch`; wall ms and what shipped. */
function drain(prepared, batch) {
  const copy = mkdtempSync(path.join(tmpdir(), `fleet-bench-ships-b${batch}-`));
  execFileSync("cp", ["-a", `${prepared}/.`, copy]);
  const config = path.join(copy, ".fleet", "config.md");
  writeFileSync(
    config,
    `---\nconcurrency: 4\nreview: { plan: auto }\ngates: { implement: [acceptance], ship: [test, acceptance] }\nship: { batch: ${batch} }\n---\n`,
  );
  git(copy, "commit", "-q", "-m", `bench: ship.batch ${batch}`, "--", ".fleet/config.md");
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [cli, "run", "--until-idle"], {
    cwd: copy,
    env: { ...process.env, NO_COLOR: "1" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const shipped = git(copy, "log", "--oneline", "--grep=^Fleet-Event: merged$", "main")
    .split("\n")
    .filter(Boolean);
  const gateRuns = r.stdout.split("\n").filter((l) => /ship gates/.test(l)).length;
  rmSync(copy, { recursive: true, force: true });
  if (r.status !== 0)
    console.log(`  (fleet run exited ${r.status}: ${r.stderr.trim().split("\n").at(-1) ?? ""})`);
  return { ms, shipped: shipped.length, gateRuns };
}

/** Prints the batch figures. */
export async function benchShipQueue({ count = Number(process.env.FLEET_BENCH_SHIPS ?? 30) } = {}) {
  const prepared = makeProject(count);
  try {
    await upToShip(prepared);
    const off = drain(prepared, 1);
    const on = drain(prepared, 4);
    const line = (label, r) =>
      console.log(
        `${label.padEnd(44)} ${(r.ms / 1000).toFixed(1).padStart(6)} s   ${r.shipped} shipped, ${r.gateRuns} ship gate runs`,
      );
    line(`${count} ready ships, ship.batch: 1`, off);
    line(`${count} ready ships, ship.batch: 4`, on);
    console.log(
      `${"batch: 4 speed-up (batch 1 time / batch 4 time)".padEnd(44)} ${(off.ms / on.ms).toFixed(2)}×`,
    );
  } finally {
    rmSync(prepared, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await benchShipQueue();
