// Builds benchmark repositories: a git repo with N task files under .fleet/queue, committed.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const PHASES = ["idea", "research", "plan", "implement", "ship", "done"];
// A board of waiting work: nothing here is runnable, so daemon benchmarks measure only the tasks they add.
const STATUS = {
  idea: "draft",
  research: "blocked",
  plan: "awaiting-approval",
  implement: "failed",
  ship: "awaiting-approval",
  done: "ready",
};

/** Makes a temp git repo with `count` tasks (phases spread evenly) and returns its root. */
export function makeRepoWithTasks(count) {
  const root = mkdtempSync(path.join(tmpdir(), "fleet-bench-"));
  const git = (...args) => execFileSync("git", args, { cwd: root, stdio: "pipe" });
  git("init", "-q", "-b", "main");
  git("config", "user.name", "Bench");
  git("config", "user.email", "bench@example.com");
  const queue = path.join(root, ".fleet", "queue");
  mkdirSync(queue, { recursive: true });
  writeFileSync(path.join(root, ".fleet", "config.md"), "---\nbase: main\n---\n");
  for (let i = 0; i < count; i++) {
    const phase = PHASES[i % PHASES.length];
    const id = `task-${String(i).padStart(5, "0")}-x${(i * 7919).toString(36).slice(-4)}`;
    const text = [
      "---",
      `id: ${id}`,
      `title: Benchmark task number ${i}`,
      `phase: ${phase}`,
      `status: ${STATUS[phase]}`,
      `priority: ${i % 4}`,
      `depends_on: []`,
      `touches: [src/module-${i % 50}/**]`,
      "created: 2026-11-20T21:04:00Z",
      "updated: 2026-11-21T03:12:09Z",
      "---",
      `Why we want task ${i}, and what good looks like.`,
      "",
    ].join("\n");
    writeFileSync(path.join(queue, `${id}.md`), text);
  }
  git("add", "-A");
  git("commit", "-q", "-m", "bench fixture");
  return root;
}
