// `npm run bench` part: what watching review branches (`ship.mode: branch`) costs per reconcile tick —
// wall time and git processes of one MergeWatch check — with no task awaiting a merge, and with N tasks
// at `ship / awaiting-merge` whose branches live on a remote served by `git daemon` on 127.0.0.1.
// Git processes are counted by a `git` on PATH that logs each call and runs the real one.
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, "..", "dist");

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function listening(port) {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((resolve) => {
      const c = net.connect({ port, host: "127.0.0.1" });
      c.once("connect", () => {
        c.destroy();
        resolve(true);
      });
      c.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("git daemon did not start");
}

/** Prints the figures; `count` = tasks awaiting a merge in the loaded case. */
export async function benchMergeCheck(count = Number(process.env.FLEET_BENCH_AWAITING ?? 20)) {
  const { MergeWatch } = await import(path.join(dist, "coordinator", "await-merge.js"));
  const { configSchema } = await import(path.join(dist, "store", "schemas", "config.js"));
  const { fleetPaths } = await import(path.join(dist, "store", "paths.js"));
  const { findRepo } = await import(path.join(dist, "git", "repo.js"));
  const { readTasks } = await import(path.join(dist, "store", "read-tasks.js"));
  const top = mkdtempSync(path.join(tmpdir(), "fleet-bench-merge-"));
  const root = path.join(top, "clone");
  const served = path.join(top, "served");
  const shim = path.join(top, "bin");
  const calls = path.join(top, "git-calls");
  const realGit = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
  mkdirSync(shim);
  writeFileSync(
    path.join(shim, "git"),
    `#!/bin/sh\nif [ "$1" = --no-optional-locks ]; then echo "$2"; else echo "$1"; fi >> "${calls}"\nexec "${realGit}" "$@"\n`,
  );
  chmodSync(path.join(shim, "git"), 0o755);
  const git = (cwd, ...args) => execFileSync(realGit, args, { cwd, encoding: "utf8", stdio: "pipe" }).trim();
  mkdirSync(root);
  git(root, "init", "-q", "-b", "main");
  git(root, "config", "user.name", "Bench");
  git(root, "config", "user.email", "bench@example.com");
  mkdirSync(path.join(root, ".fleet", "queue"), { recursive: true });
  writeFileSync(path.join(root, ".fleet", "config.md"), "---\nbase: main\n---\n");
  writeFileSync(path.join(root, "README.md"), "# bench\n");
  git(root, "add", "-A");
  git(root, "commit", "-qm", "base");
  const base = git(root, "rev-parse", "HEAD");
  mkdirSync(served);
  git(served, "init", "-q", "--bare", "-b", "main", "project.git");
  const port = await freePort();
  const daemon = spawn(
    realGit,
    [
      "daemon",
      "--reuseaddr",
      "--export-all",
      "--enable=receive-pack",
      `--base-path=${served}`,
      "--listen=127.0.0.1",
      `--port=${port}`,
      served,
    ],
    { detached: true, stdio: "ignore" },
  );
  const oldPath = process.env.PATH;
  try {
    await listening(port);
    git(root, "remote", "add", "origin", `git://127.0.0.1:${port}/project.git`);
    git(root, "push", "-q", "origin", "main");
    for (let i = 0; i < count; i++) {
      const id = `t-${i}`;
      writeFileSync(path.join(root, `f${i}.txt`), `change ${i}\n`);
      git(root, "add", `f${i}.txt`);
      git(
        root,
        "commit",
        "-qm",
        `fleet(ship): ${id} merged — T${i}\n\nFleet-Task: ${id}\nFleet-Phase: ship\nFleet-Event: merged`,
      );
      const commit = git(root, "rev-parse", "HEAD");
      git(root, "push", "-q", "origin", `${commit}:refs/heads/fleet/${id}`);
      git(root, "reset", "-q", "--hard", base);
      writeFileSync(
        path.join(root, ".fleet", "queue", `${id}.md`),
        `---\nid: ${id}\ntitle: T${i}\nphase: ship\nstatus: awaiting-merge\nreview_branch:\n  branch: fleet/${id}\n  commit: ${commit}\n  parent: ${base}\n  remote: origin\n  pushed: 2026-12-01T20:00:00Z\n---\n`,
      );
    }
    const repo = await findRepo(root);
    const ctx = {
      repo,
      paths: fleetPaths(root),
      env: process.env,
      getRunner: () => null,
      emit: () => {},
      now: () => new Date(),
    };
    const watch = new MergeWatch(ctx, () => {});
    const config = configSchema.parse({ remote: "origin" });
    process.env.PATH = `${shim}:${oldPath}`;
    const tick = async (label, tasks) => {
      rmSync(calls, { force: true });
      const start = process.hrtime.bigint();
      await watch.check(tasks, config, { force: true });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      let n = [];
      try {
        n = readFileSync(calls, "utf8").split("\n").filter(Boolean);
      } catch {}
      const kinds = [...new Set(n)].map((k) => `${k} ×${n.filter((x) => x === k).length}`).join(", ");
      console.log(
        `${label.padEnd(60)} ${ms.toFixed(0).padStart(5)} ms   ${String(n.length).padStart(3)} git (${kinds || "none"})`,
      );
    };
    const tasks = () => [...readTasks(fleetPaths(root)).tasks.values()].map((t) => t.record);
    console.log(
      `\nmerge check per tick (ship.mode: branch, remote over git:// on loopback, ${count} awaiting)`,
    );
    await tick("no task awaits a merge", []);
    await tick(`${count} await, first look (none merged)`, tasks());
    await tick(`${count} await, nothing moved since the last look`, tasks());
    process.env.PATH = oldPath;
    const person = path.join(top, "person");
    git(top, "clone", "-q", `git://127.0.0.1:${port}/project.git`, person);
    git(person, "config", "user.name", "P");
    git(person, "config", "user.email", "p@example.com");
    writeFileSync(path.join(person, "OTHER.md"), "a person's unrelated commit\n");
    git(person, "add", "OTHER.md");
    git(person, "commit", "-qm", "unrelated");
    git(person, "push", "-q", "origin", "main");
    process.env.PATH = `${shim}:${oldPath}`;
    await tick(`base moved: an unrelated commit, none merged`, tasks());
    process.env.PATH = oldPath;
    git(person, "merge", "-q", "--squash", "origin/fleet/t-0");
    git(person, "commit", "-qm", "squash of t-0, own message");
    git(person, "push", "-q", "origin", "main");
    process.env.PATH = `${shim}:${oldPath}`;
    await tick(`base moved: 1 of ${count} squash-merged (lands done)`, tasks());
  } finally {
    process.env.PATH = oldPath;
    try {
      process.kill(-daemon.pid, "SIGKILL");
    } catch {}
    rmSync(top, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchMergeCheck();
