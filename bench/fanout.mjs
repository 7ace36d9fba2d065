// Fan-out's figure for `npm run bench` (issue 14): one idea whose scripted planner splits it into
// CHILDREN independent parts (`script` runner, sandboxed like any agent), approved, then drained by
// `fleet run --until-idle` — every child planned, implemented and shipped on its own, then the
// parent's integration check — with `concurrency: 1` and with `concurrency: CHILDREN`, and the ratio.
// Wall time of the drain after approval only. Prints; asserts nothing.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const CHILDREN = Number(process.env.FLEET_BENCH_CHILDREN ?? 4);
const line = (label, value) => console.log(`${label.padEnd(44)} ${value}`);

function fleet(cli, cwd, args, ok = [0]) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: "1" },
    encoding: "utf8",
  });
  if (!ok.includes(r.status))
    throw new Error(`fleet ${args.join(" ")} exited ${r.status}: ${r.stdout}${r.stderr}`);
  return r;
}

function fannedRepo(cli, concurrency) {
  const root = mkdtempSync(path.join(tmpdir(), "fleet-bench-fanout-"));
  const git = (...args) => execFileSync("git", args, { cwd: root, stdio: "pipe" });
  git("init", "-q", "-b", "main");
  git("config", "user.name", "Bench");
  git("config", "user.email", "bench@example.com");
  git("commit", "-q", "--allow-empty", "-m", "empty");
  fleet(cli, root, ["init", "--no-check"]);
  const write = (rel, text) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  };
  write(
    ".fleet/config.md",
    `---\nconcurrency: ${concurrency}\nreview: { children: auto }\ngates: { implement: [acceptance], ship: [acceptance] }\n---\n`,
  );
  for (const name of ["researcher", "planner", "implementer"])
    write(`.fleet/agents/${name}.md`, `---\nrunner: script\n---\nYou are the ${name}.\n`);
  // Each part writes its own folder and says so in `touches`, so no two overlap; its fleet-script
  // is in its body (a JSON string is a YAML double-quoted string).
  const child = (i) =>
    [
      "---",
      `title: Part ${i}`,
      `touches: ["part-${i}/**"]`,
      "---",
      "```fleet-script",
      "plan:",
      '  output: "# Plan"',
      `  acceptance: { checks: [{ id: AC1, says: part ${i} is there, run: "test -f part-${i}/done.txt" }] }`,
      `implement: { write: { part-${i}/done.txt: "done" } }`,
      "```",
      "",
    ].join("\n");
  const children = Array.from(
    { length: CHILDREN },
    (_, i) => `    children/part-${i}.md: ${JSON.stringify(child(i))}`,
  );
  write(
    ".fleet/queue/whole.md",
    [
      "---",
      "status: ready",
      "---",
      "# The whole",
      "",
      "```fleet-script",
      'research: "# Findings\\n\\nIndependent parts."',
      "plan:",
      '  output: "# Plan\\n\\nOne child per part."',
      "  acceptance:",
      '    checks: [{ id: AC1, says: every part shipped, run: "sh .fleet/acceptance/whole/check.sh" }]',
      `    files: { check.sh: "test $(ls -d part-* | wc -l) -eq ${CHILDREN}\\n" }`,
      "  files:",
      ...children,
      "```",
      "",
    ].join("\n"),
  );
  git("add", ".fleet");
  git("commit", "-q", "-m", "bench fixture");
  fleet(cli, root, ["run", "--until-idle"], [7]);
  fleet(cli, root, ["approve", "whole"]);
  return root;
}

/** Prints the drain's wall time of a fanned-out idea at concurrency 1 and at one slot per child. */
export async function benchFanout({ cli }) {
  const ms = {};
  for (const concurrency of [1, CHILDREN]) {
    const root = fannedRepo(cli, concurrency);
    try {
      const start = performance.now();
      fleet(cli, root, ["run", "--until-idle"]);
      ms[concurrency] = performance.now() - start;
      const state = fleet(cli, root, ["show", "whole", "--json"]).stdout;
      if (!state.includes('"phase": "done"')) throw new Error("the fanned-out idea did not finish");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    line(
      `fan-out: ${CHILDREN} children, concurrency ${concurrency}`,
      `${(ms[concurrency] / 1000).toFixed(1)} s`,
    );
  }
  line("fan-out: speed-up from parallel children", `${(ms[1] / ms[CHILDREN]).toFixed(2)}×`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const cli = path.join(path.dirname(new URL(import.meta.url).pathname), "..", "dist", "cli", "main.js");
  await benchFanout({ cli });
}
