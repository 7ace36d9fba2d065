// The whole lifecycle's figures for `npm run bench` (issue 12): tasks through all five phases with the
// built-in no-op `script` agents, and the same work done by a plain-git script (the floor). Prints
// tasks/min and its ratio to the floor, commits per task on the base branch, and git processes per
// task (every successful execve of a git binary, counted with `strace -f`, when strace is installed).
// Asserts nothing. FLEET_BENCH_PIPELINE_TASKS (default 30) sets the number of tasks.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

const AGENT = "---\nrunner: script\ntimeout: 2m\nidle_timeout: 1m\n---\nA no-op agent.\n";

/** A temp repo with a README, script agents, the acceptance gate in implement and ship, and `sandbox`. */
export function pipelineRepo(sandbox) {
  const root = mkdtempSync(path.join(tmpdir(), "fleet-bench-pipeline-"));
  const git = (...args) => execFileSync("git", args, { cwd: root, stdio: "pipe" });
  git("init", "-q", "-b", "main");
  git("config", "user.name", "Bench");
  git("config", "user.email", "bench@example.com");
  writeFileSync(path.join(root, "README.md"), "# bench\n");
  mkdirSync(path.join(root, ".fleet", "agents"), { recursive: true });
  mkdirSync(path.join(root, ".fleet", "queue"), { recursive: true });
  writeFileSync(
    path.join(root, ".fleet", "config.md"),
    `---\nbase: main\nconcurrency: 4\nsetup: null\nsandbox: ${sandbox}\ngates: { implement: [acceptance], ship: [acceptance] }\nreview: { plan: person }\n---\n`,
  );
  for (const name of ["researcher", "planner", "implementer", "reviewer"])
    writeFileSync(path.join(root, ".fleet", "agents", `${name}.md`), AGENT);
  writeFileSync(path.join(root, ".fleet", "queue", ".gitkeep"), "");
  git("add", "-A");
  git("commit", "-q", "-m", "bench: setup");
  return root;
}

/** Runs `fleet <args>` (optionally under `strace -f`, appending to `trace`); returns the exit code. */
function fleet(cli, cwd, args, trace) {
  const argv = [process.execPath, cli, ...args];
  const cmd = trace ? "strace" : argv[0];
  const full = trace
    ? [
        "-f",
        "-qq",
        "--seccomp-bpf",
        "-e",
        "trace=execve",
        "-e",
        "signal=none",
        "-o",
        `${trace}.${Math.random().toString(36).slice(2)}`,
        ...argv,
      ]
    : argv.slice(1);
  const r = spawnSync(cmd, full, { cwd, env: { ...process.env, NO_COLOR: "1" }, encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Every task through all five phases: ideas, a drain, approvals, a drain. Returns wall ms per step. */
export function drive(cli, root, count, trace) {
  const t = { ideas: 0, drain: 0, approve: 0 };
  let t0 = performance.now();
  const ids = [];
  for (let i = 0; i < count; i++) {
    const r = fleet(cli, root, ["idea", `Bench task ${i}`, "--ready", "--json"], trace);
    if (r.code !== 0) throw new Error(`fleet idea: ${r.err}`);
    ids.push(JSON.parse(r.out).id);
  }
  t.ideas = performance.now() - t0;
  t0 = performance.now();
  let r = fleet(cli, root, ["run", "--until-idle"], trace);
  if (r.code !== 7) throw new Error(`fleet run (plans) exited ${r.code}: ${r.err}${r.out}`);
  t.drain += performance.now() - t0;
  t0 = performance.now();
  for (const id of ids) {
    r = fleet(cli, root, ["approve", id], trace);
    if (r.code !== 0) throw new Error(`fleet approve ${id}: ${r.err}`);
  }
  t.approve = performance.now() - t0;
  t0 = performance.now();
  r = fleet(cli, root, ["run", "--until-idle"], trace);
  if (r.code !== 0) throw new Error(`fleet run (ship) exited ${r.code}: ${r.err}${r.out}`);
  t.drain += performance.now() - t0;
  const done = ids.filter((id) =>
    readFileSync(path.join(root, ".fleet", "queue", `${id}.md`), "utf8").includes("phase: done"),
  );
  if (done.length !== count) throw new Error(`bench: ${count - done.length} tasks not done`);
  return t;
}

/** Commits on main after the setup commit, per task (the changes themselves included). */
function commitsPerTask(root, count) {
  const git = (...args) => execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();
  const setup = git("rev-list", "-1", "--grep=^bench: setup$", "main");
  return Number(git("rev-list", "--count", "main", `^${setup}`)) / count;
}

/** Successful execve calls of a git binary (git, git-upload-pack, …) in the strace logs `trace.*`. */
function countGit(trace) {
  const dir = path.dirname(trace);
  const prefix = path.basename(trace);
  let n = 0;
  let all = 0;
  let direct = 0;
  const verbs = new Map();
  for (const name of execFileSync("ls", [dir], { encoding: "utf8" }).split("\n")) {
    if (!name.startsWith(`${prefix}.`)) continue;
    for (const line of readFileSync(path.join(dir, name), "utf8").split("\n")) {
      const m = /execve\("([^"]+)".*= 0$/.exec(line);
      if (!m) continue;
      all++;
      if (!/\/git(-[a-z-]+)?$/.test(m[1])) continue;
      n++;
      if (m[1].includes("git-core")) continue;
      direct++;
      const args =
        /execve\("[^"]+", \[(.*?)\]/
          .exec(line)?.[1]
          .split(", ")
          .map((a) => a.replace(/^"|"$/g, "")) ?? [];
      const verb = args.slice(1).find((a) => !a.startsWith("-") && !a.includes("=")) ?? "?";
      verbs.set(verb, (verbs.get(verb) ?? 0) + 1);
    }
  }
  return { git: n, all, direct, verbs };
}

/**
 * The floor: what plain git does for the same history, per task — commit the idea; commit research,
 * plan and acceptance; commit the approval; clone for implement, commit the change there, fetch it;
 * a clean clone of the candidate for the gate, run the check; squash it onto main and commit the
 * shipped state.
 */
function floor(count) {
  const root = mkdtempSync(path.join(tmpdir(), "fleet-bench-floor-"));
  const git = (cwd, ...args) => execFileSync("git", args, { cwd, stdio: "pipe" });
  git(root, "init", "-q", "-b", "main");
  git(root, "config", "user.name", "Bench");
  git(root, "config", "user.email", "bench@example.com");
  writeFileSync(path.join(root, "README.md"), "# bench\n");
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "setup");
  const put = (rel, text) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  };
  const commit = (msg, ...rels) => {
    git(root, "add", "--", ...rels);
    git(root, "commit", "-q", "-m", msg);
  };
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const id = `floor-${i}`;
    const q = `.fleet/queue/${id}.md`;
    put(q, "phase: idea\n");
    commit(`${id} created`, q);
    put(q, "phase: plan\n");
    put(`.fleet/research/${id}.md`, "# research\n");
    put(`.fleet/plans/${id}.md`, "# plan\n");
    put(`.fleet/acceptance/${id}.md`, "checks\n");
    put(`.fleet/acceptance/${id}/check.sh`, `test -f done-${id}\n`);
    commit(`${id} proposed`, ".fleet");
    put(`.fleet/plans/${id}.md`, "# plan\napproved\n");
    commit(`${id} approved`, `.fleet/plans/${id}.md`);
    const clone = path.join(root, "..", `${path.basename(root)}-${id}`);
    git(root, "clone", "-q", "--shared", root, clone);
    writeFileSync(path.join(clone, `done-${id}`), "ok\n");
    git(clone, "add", "-A");
    git(clone, "-c", "user.name=B", "-c", "user.email=b@example.com", "commit", "-q", "-m", "change");
    git(root, "fetch", "-q", clone, `HEAD:refs/heads/fleet/${id}`);
    const gate = path.join(root, "..", `${path.basename(root)}-${id}-gate`);
    git(root, "clone", "-q", "--shared", "--no-checkout", root, gate);
    git(gate, "checkout", "-q", `fleet/${id}`);
    execFileSync("sh", [`.fleet/acceptance/${id}/check.sh`], { cwd: gate });
    git(root, "merge", "-q", "--squash", `fleet/${id}`);
    git(root, "commit", "-q", "-m", `${id} change`);
    put(q, "phase: done\n");
    commit(`${id} shipped`, q);
    rmSync(clone, { recursive: true, force: true });
    rmSync(gate, { recursive: true, force: true });
  }
  const ms = performance.now() - t0;
  rmSync(root, { recursive: true, force: true });
  return ms;
}

export async function benchPipeline({ cli }) {
  const count = Number(process.env.FLEET_BENCH_PIPELINE_TASKS ?? 30);
  const sandbox = process.env.FLEET_BENCH_SANDBOX ?? "off";
  const root = pipelineRepo(sandbox);
  let traced = null;
  try {
    const t = drive(cli, root, count);
    const total = t.ideas + t.drain + t.approve;
    const perTask = commitsPerTask(root, count);
    const floorMs = floor(count);
    const rate = (ms) => (count / (ms / 60_000)).toFixed(1);
    console.log(
      `${`lifecycle, ${count} tasks, no-op agents (sandbox ${sandbox})`.padEnd(44)} ${rate(total).padStart(6)} tasks/min   (ideas ${(t.ideas / 1000).toFixed(1)} s, drains ${(t.drain / 1000).toFixed(1)} s, approvals ${(t.approve / 1000).toFixed(1)} s)`,
    );
    console.log(
      `${"plain-git floor, same commits/clones/merges".padEnd(44)} ${rate(floorMs).padStart(6)} tasks/min   fleet / floor = ${(total / floorMs).toFixed(1)}×   (target ≤ 3×)`,
    );
    console.log(
      `${"commits on the base branch per task".padEnd(44)} ${perTask.toFixed(2).padStart(6)}   (target ≤ 4; the change itself is one of them)`,
    );
    if (existsSync("/usr/bin/strace")) {
      const few = Math.min(count, 10);
      traced = pipelineRepo(sandbox);
      const trace = path.join(mkdtempSync(path.join(tmpdir(), "fleet-bench-trace-")), "t");
      drive(cli, traced, few, trace);
      const { git, direct, verbs } = countGit(trace);
      rmSync(path.dirname(trace), { recursive: true, force: true });
      console.log(
        `${"git processes per task (strace -f)".padEnd(44)} ${(git / few).toFixed(1).padStart(6)}   (target ≤ 40; ${few} tasks, fleet idea/run/approve; ${(direct / few).toFixed(1)} started by fleet, the rest by git itself)`,
      );
      if (process.env.FLEET_BENCH_VERBS)
        console.log(
          [...verbs]
            .sort((a, b) => b[1] - a[1])
            .map(([v, k]) => `${v} ${(k / few).toFixed(1)}`)
            .join(", "),
        );
    } else console.log("git processes per task: skipped (no /usr/bin/strace)");
  } finally {
    if (process.env.FLEET_BENCH_KEEP) console.log(`kept: ${root}`);
    else rmSync(root, { recursive: true, force: true });
    if (traced) rmSync(traced, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const cli = path.join(path.dirname(new URL(import.meta.url).pathname), "..", "dist", "cli", "main.js");
  await benchPipeline({ cli });
  await benchIdea({ cli, makeRepoWithTasks: (await import("./fixtures.mjs")).makeRepoWithTasks });
}

/**
 * `fleet idea` against a bare `git add` + `git commit` of one file in the same repository of `tasks`
 * tasks (issue 12: ≤ 2×), with where its time goes: node's own start-up, loading the `idea` command's
 * modules, and the rest (its git calls, counted with strace when installed).
 */
export async function benchIdea({ cli, makeRepoWithTasks, tasks = 1000, runs = 7 }) {
  const root = makeRepoWithTasks(tasks);
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const timed = (cmd, args) => {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { cwd: root, env: { ...process.env, NO_COLOR: "1" }, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.stderr}`);
    return performance.now() - t0;
  };
  try {
    const idea = [];
    const bare = [];
    for (let i = 0; i < runs; i++) {
      idea.push(timed(process.execPath, [cli, "idea", `Bench idea ${i}`]));
      writeFileSync(path.join(root, `bare-${i}.txt`), `${i}\n`);
      const t0 = performance.now();
      execFileSync("git", ["add", "--", `bare-${i}.txt`], { cwd: root });
      execFileSync("git", ["commit", "-q", "-m", `bare ${i}`], { cwd: root });
      bare.push(performance.now() - t0);
    }
    const node = Array.from({ length: runs }, () => timed(process.execPath, ["-e", "0"]));
    const dist = path.dirname(path.dirname(cli));
    const load = Array.from({ length: runs }, () =>
      timed(process.execPath, [
        "--input-type=module",
        "-e",
        `await import(${JSON.stringify(path.join(dist, "cli", "commands", "idea.js"))})`,
      ]),
    );
    let calls = "";
    if (existsSync("/usr/bin/strace")) {
      const trace = path.join(mkdtempSync(path.join(tmpdir(), "fleet-bench-trace-")), "t");
      fleet(cli, root, ["idea", "Bench idea traced"], trace);
      calls = `, ${countGit(trace).git} git processes`;
      rmSync(path.dirname(trace), { recursive: true, force: true });
    }
    const m = median(idea);
    console.log(
      `${`fleet idea, ${tasks} tasks`.padEnd(44)} median ${m.toFixed(0).padStart(5)} ms   bare git add + commit ${median(bare).toFixed(0)} ms   = ${(m / median(bare)).toFixed(1)}×   (target ≤ 2×)`,
    );
    console.log(
      `${"  where fleet idea's time goes".padEnd(44)} node -e 0 ${median(node).toFixed(0)} ms, + loading its modules ${(median(load) - median(node)).toFixed(0)} ms, the rest ${(m - median(load)).toFixed(0)} ms${calls}`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
