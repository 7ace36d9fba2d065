// The remote engine's figures for `npm run bench` (issue 12): claims per second against a real remote
// (git daemon on 127.0.0.1) with three claimers racing, and tasks per minute end to end with 1, 2 and 3
// machines (each a clone with its own `fleet watch`) and a no-op agent — with commits per task on the
// remote's base and git processes per task (counted by a `git` on PATH that logs and runs the real one).
// Prints; asserts nothing.
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, "..", "dist", "cli", "main.js");
const TASKS = Number(process.env.FLEET_BENCH_REMOTE_TASKS ?? 12);
const git = (cwd, ...args) =>
  execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** A bare `remote.git` served by git daemon; returns its url and a stop function. */
async function serve(base) {
  git(base, "init", "-q", "--bare", "-b", "main", "remote.git");
  const port = await freePort();
  const child = spawn(
    "git",
    [
      "daemon",
      "--reuseaddr",
      `--base-path=${base}`,
      "--export-all",
      "--enable=receive-pack",
      "--listen=127.0.0.1",
      `--port=${port}`,
      base,
    ],
    { stdio: "ignore" },
  );
  const url = `git://127.0.0.1:${port}/remote.git`;
  for (let i = 0; i < 100; i++) {
    try {
      execFileSync("git", ["ls-remote", url], { stdio: "ignore" });
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { url, dir: path.join(base, "remote.git"), stop: () => child.kill("SIGKILL") };
}

/** A `git` that appends one line per run to `log`, then runs the real git. */
function gitShim(dir, log) {
  const real = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, "git"),
    `#!/bin/sh\necho x >> ${JSON.stringify(log)}\nexec ${JSON.stringify(real)} "$@"\n`,
  );
  chmodSync(path.join(dir, "git"), 0o755);
}

const AGENT = `case "$FLEET_PHASE" in
research) echo "# Found" > "$FLEET_OUTPUT_DIR/research.md" ;;
plan) echo "# Plan" > "$FLEET_OUTPUT_DIR/plan.md"; mkdir -p "$FLEET_OUTPUT_DIR/acceptance"
  printf -- "---\\nchecks:\\n  - id: AC1\\n    says: the file exists\\n    run: sh .fleet/acceptance/%s/check.sh\\n---\\n" "$FLEET_TASK_ID" > "$FLEET_OUTPUT_DIR/acceptance.md"
  echo "test -f $FLEET_TASK_ID.txt" > "$FLEET_OUTPUT_DIR/acceptance/check.sh" ;;
implement) echo done > "$FLEET_TASK_ID.txt" ;;
esac
`;

/** A project with TASKS ready ideas and a no-op agent, pushed to a fresh remote. */
async function project(work, sandbox) {
  const remote = await serve(work);
  const seed = path.join(work, "seed");
  git(work, "init", "-q", "-b", "main", seed);
  git(seed, "config", "user.name", "Bench");
  git(seed, "config", "user.email", "bench@example.com");
  mkdirSync(path.join(seed, ".fleet", "agents"), { recursive: true });
  writeFileSync(path.join(seed, "agent.sh"), AGENT);
  writeFileSync(
    path.join(seed, ".fleet", "config.md"),
    `---\nconcurrency: 2\nremote: origin\nlease: 10s\nrescan: 500ms\nsandbox: ${sandbox}\nreview: { plan: auto }\ngates: { implement: [], ship: [] }\n---\n`,
  );
  for (const name of ["researcher", "planner", "implementer"])
    writeFileSync(
      path.join(seed, ".fleet", "agents", `${name}.md`),
      "---\nrunner: command\ncommand: [sh, agent.sh]\n---\n",
    );
  git(seed, "add", "-A");
  git(seed, "commit", "-q", "-m", "bench setup");
  for (let i = 0; i < TASKS; i++)
    execFileSync(process.execPath, [cli, "idea", `Task ${i}`, "--ready", "--id", `t${i}`], {
      cwd: seed,
      stdio: "ignore",
    });
  git(seed, "remote", "add", "origin", remote.url);
  git(seed, "push", "-q", "origin", "main");
  return remote;
}

const doneOnRemote = (remote) => {
  let n = 0;
  for (let i = 0; i < TASKS; i++) {
    try {
      if (/^phase: done/m.test(git(remote.dir, "show", `main:.fleet/queue/t${i}.md`))) n++;
    } catch {}
  }
  return n;
};

async function drain(machines, sandbox) {
  const work = mkdtempSync(path.join(tmpdir(), "fleet-bench-remote-"));
  try {
    const remote = await project(work, sandbox);
    const before = Number(git(remote.dir, "rev-list", "--count", "main"));
    const log = path.join(work, "git-calls");
    gitShim(path.join(work, "shim"), log);
    const daemons = [];
    const start = performance.now();
    for (let m = 0; m < machines; m++) {
      const dir = path.join(work, `machine-${m}`);
      git(work, "clone", "-q", remote.url, dir);
      git(dir, "config", "user.name", `Machine ${m}`);
      git(dir, "config", "user.email", `m${m}@example.com`);
      daemons.push(
        spawn(process.execPath, [cli, "watch"], {
          cwd: dir,
          env: { ...process.env, PATH: `${path.join(work, "shim")}:${process.env.PATH}`, NO_COLOR: "1" },
          stdio: "ignore",
        }),
      );
    }
    const deadline = Date.now() + 15 * 60_000;
    while (doneOnRemote(remote) < TASKS && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 500));
    const ms = performance.now() - start;
    for (const d of daemons) d.kill("SIGTERM");
    await Promise.all(
      daemons.map((d) => new Promise((r) => (d.exitCode !== null ? r() : d.once("exit", r)))),
    );
    const commits = Number(git(remote.dir, "rev-list", "--count", "main")) - before;
    let calls = 0;
    try {
      calls = readFileSync(log, "utf8").split("\n").filter(Boolean).length;
    } catch {}
    remote.stop();
    return { done: doneOnRemote(remote), ms, commits, calls };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Three claimers race over TASKS tasks through the real remote: claims won per second. */
async function claimRace() {
  const { RemoteSession } = await import(path.join(here, "..", "dist", "remote", "remote-session.js"));
  const work = mkdtempSync(path.join(tmpdir(), "fleet-bench-claims-"));
  try {
    const remote = await serve(work);
    const seed = path.join(work, "seed");
    git(work, "init", "-q", "-b", "main", seed);
    git(seed, "commit", "-q", "--allow-empty", "-m", "start", "--author", "B <b@example.com>");
    git(seed, "push", "-q", remote.url, "main");
    const sessions = [];
    for (let m = 0; m < 3; m++) {
      const dir = path.join(work, `c${m}`);
      git(work, "clone", "-q", remote.url, dir);
      sessions.push(
        new RemoteSession(
          { root: dir, commonDir: path.join(dir, ".git") },
          { remote: "origin", base: "main", leaseMs: 60_000 },
        ),
      );
    }
    await Promise.all(sessions.map((s) => s.sync()));
    const ids = Array.from({ length: 30 }, (_, i) => `c${i}`);
    const start = performance.now();
    const won = await Promise.all(
      sessions.map(async (s, m) => {
        let n = 0;
        for (const id of m % 2 ? [...ids].reverse() : ids) if (await s.claim(id, "research", 1)) n++;
        return n;
      }),
    );
    const ms = performance.now() - start;
    remote.stop();
    const total = won.reduce((a, b) => a + b, 0);
    return { total, attempts: ids.length * 3, ms };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Prints the remote figures. */
export async function benchRemote() {
  let sandbox = "bwrap";
  try {
    execFileSync("bwrap", ["--ro-bind", "/", "/", "true"], { stdio: "ignore" });
  } catch {
    sandbox = "off";
  }
  const race = await claimRace();
  console.log(
    `${"remote claims, 3 claimers racing over 30 tasks".padEnd(44)} ${(race.total / (race.ms / 1000)).toFixed(1).padStart(6)} claims/s won   ${race.total} won of ${race.attempts} tries (exactly one per task: ${race.total === 30})`,
  );
  for (const machines of [1, 2, 3]) {
    const r = await drain(machines, sandbox);
    console.log(
      `${`remote, ${machines} machine(s), ${TASKS} tasks, no-op agent`.padEnd(44)} ${((r.done / r.ms) * 60_000).toFixed(1).padStart(6)} tasks/min   ${(r.commits / TASKS).toFixed(1)} commits/task on the remote base   ${(r.calls / TASKS).toFixed(0)} git processes/task (sandbox ${sandbox}; ${r.done}/${TASKS} done)`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchRemote();
