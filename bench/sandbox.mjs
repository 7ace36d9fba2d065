// The sandbox's price (issue: containment): the wall time bwrap adds to one agent start and one gate
// process, and a fresh clone of its own (the fleet's checkouts now) against the `git worktree add` it
// replaced, on a repository of 10,000 files. Prints figures; asserts nothing.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = (rel) => import(path.join(here, "..", "dist", rel));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;

async function timeSpawn(spawnProcess, opts, runs) {
  const out = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const r = await spawnProcess(opts);
    if (r.exitCode !== 0) throw new Error(`bench spawn failed: ${r.tail || JSON.stringify(r.spawnError)}`);
    out.push(ms(start));
  }
  return median(out);
}

function repoWithFiles(count) {
  const root = mkdtempSync(path.join(tmpdir(), "fleet-bench-clone-"));
  const run = (...args) => execFileSync("git", args, { cwd: root, stdio: "pipe" });
  run("init", "-q", "-b", "main");
  for (let d = 0; d < count / 100; d++) {
    mkdirSync(path.join(root, `d${d}`));
    for (let f = 0; f < 100; f++) writeFileSync(path.join(root, `d${d}`, `f${f}.txt`), `${d} ${f}\n`);
  }
  run("add", "-A");
  run("-c", "user.name=b", "-c", "user.email=b@b", "commit", "-q", "-m", "files");
  return root;
}

/** Prints the sandbox rows of `npm run bench`. */
export async function benchSandbox({ runs = 21 } = {}) {
  const { probeSandbox, sandboxPolicy, specFor } = await dist("sandbox/index.js");
  const { spawnProcess } = await dist("agents/spawn.js");
  const probe = probeSandbox();
  console.log("");
  if (!probe.ok) {
    console.log(`sandbox: not measured — ${probe.reason}`);
    return;
  }
  const scratch = mkdtempSync(path.join(tmpdir(), "fleet-bench-sbx-"));
  try {
    const person = path.join(scratch, "person");
    const cwd = path.join(scratch, "work", "repo", "clones", "t");
    const home = path.join(scratch, "work", "repo", "homes", "t");
    for (const d of [path.join(person, ".git", "objects"), cwd, path.join(cwd, ".git"), home])
      mkdirSync(d, { recursive: true });
    const env = { PATH: process.env.PATH, HOME: process.env.HOME ?? "/root" };
    const policy = sandboxPolicy({
      bwrap: probe.bwrap,
      root: person,
      commonDir: path.join(person, ".git"),
      workRoot: path.join(scratch, "work", "repo"),
      env,
    });
    const agent = specFor(policy, {
      writable: [cwd],
      readOnly: [path.join(person, ".git", "objects")],
      home,
      network: "host",
    });
    const gate = specFor(policy, {
      writable: [cwd],
      readOnlyInsideWritable: [path.join(cwd, ".git")],
      network: "none",
    });
    const logFile = path.join(scratch, "run.log");
    const base = { cwd, env, logFile };
    const bare = await timeSpawn(spawnProcess, { ...base, argv: ["/bin/true"] }, runs);
    const inAgent = await timeSpawn(spawnProcess, { ...base, argv: ["/bin/true"], sandbox: agent }, runs);
    const bareSh = await timeSpawn(spawnProcess, { ...base, shellCommand: "true" }, runs);
    const inGate = await timeSpawn(spawnProcess, { ...base, shellCommand: "true", sandbox: gate }, runs);
    const row = (label, a, b) =>
      console.log(
        `${label.padEnd(44)} median ${(b - a).toFixed(1).padStart(5)} ms added   (${a.toFixed(1)} → ${b.toFixed(1)} ms; target ≤ 30 ms)`,
      );
    row("sandbox: agent start (bwrap, host network)", bare, inAgent);
    row("sandbox: gate process (bwrap, no network)", bareSh, inGate);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  const { ensureSealedClone } = await dist("git/clone.js");
  const root = repoWithFiles(10_000);
  try {
    const commonDir = path.join(root, ".git");
    const sha = execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
    const wt = [];
    const cl = [];
    for (let i = 0; i < 5; i++) {
      const w = path.join(root, "..", `${path.basename(root)}-wt-${i}`);
      let start = process.hrtime.bigint();
      execFileSync("git", ["-c", "checkout.workers=0", "worktree", "add", "-q", "--detach", w, sha], {
        cwd: root,
      });
      wt.push(ms(start));
      execFileSync("git", ["worktree", "remove", "--force", w], { cwd: root });
      const c = path.join(root, "..", `${path.basename(root)}-clone-${i}`);
      start = process.hrtime.bigint();
      await ensureSealedClone({ root, commonDir }, c, sha);
      cl.push(ms(start));
      rmSync(c, { recursive: true, force: true });
    }
    const w = median(wt);
    const c = median(cl);
    // What an open clone adds per attempt: the sandboxed reset, then commit and bundle, fetch and checks.
    const { ensureOpenClone, containedGit, takeResult } = await dist("git/clone.js");
    const { probeSandbox, sandboxPolicy, specFor } = await dist("sandbox/index.js");
    const probe = probeSandbox();
    const repo = { root, commonDir };
    const open = path.join(root, "..", `${path.basename(root)}-open`);
    const logFile = path.join(open, "..", `${path.basename(root)}-open.log`);
    const policy = probe.ok
      ? sandboxPolicy({
          bwrap: probe.bwrap,
          root,
          commonDir,
          workRoot: path.join(open, "..", "w", "r"),
          env: process.env,
        })
      : { mode: "off" };
    const runIn = (extra) =>
      containedGit(open, {
        sandbox: specFor(policy, {
          writable: [open, ...extra],
          readOnly: [path.join(commonDir, "objects")],
          network: "none",
        }),
        logFile,
      });
    await ensureOpenClone(repo, open, "fleet/bench", sha, runIn([]));
    const attempts = [];
    let tip = null;
    for (let i = 0; i < 5; i++) {
      const start = process.hrtime.bigint();
      await ensureOpenClone(repo, open, "fleet/bench", tip ?? sha, runIn([]));
      writeFileSync(path.join(open, "d0", "f0.txt"), `attempt ${i}\n`);
      tip = await takeResult(repo, {
        branch: "fleet/bench",
        start: tip ?? sha,
        expected: tip,
        message: `attempt ${i}`,
        author: { name: "b", email: "b@b" },
        run: (scratch) => runIn([scratch]),
        scratchRoot: path.join(open, "..", "results"),
      });
      attempts.push(ms(start));
    }
    rmSync(open, { recursive: true, force: true });
    console.log(
      `${"attempt in an open clone: reset + take result".padEnd(44)} median ${median(attempts).toFixed(0).padStart(5)} ms   (sandboxed reset, commit, bundle, fetch, checks; 10k files)`,
    );
    console.log(
      `${"checkout: own clone vs git worktree (10k files)".padEnd(44)} median ${c.toFixed(0).padStart(5)} ms vs ${w.toFixed(0)} ms = ${(c / w).toFixed(2)}×   (target ≤ 2×)`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
