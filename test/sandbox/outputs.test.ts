/**
 * What agents hand back is data: outputs are read without following links, and no secret of the
 * daemon is committed, whether in an artifact or in a change. And the sandbox is the default: where
 * none can be made, no agent runs; `sandbox: off` runs them uncontained, and says so in every run.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fleetPaths } from "../../src/store/paths.js";
import { readRuns } from "../../src/store/read-records.js";
import { readTask } from "../../src/store/read-tasks.js";
import { CLI } from "../helpers/run-fleet.js";
import { gitOut, tempDir, tempRepo, testEnv, writeFile } from "../helpers/temp-repo.js";

const TOKEN = "tok-9d1e7c55aa0b-daemon-only";

/** The acceptance file, per task: its own file must say ok (so no task's check passes on the base). */
const ACCEPTANCE = `---
checks:
  - { id: AC1, says: "ok-ID.js says ok", run: "grep -qx ok ok-ID.js" }
---
`;

/** A planner per task id: honest, or handing back a link, a FIFO, a hard link or the token. */
const PLANNER_SH = `#!/bin/sh
O="$FLEET_OUTPUT_DIR"
printf '%s' '${ACCEPTANCE}' | sed "s/ID/$FLEET_TASK_ID/g" >"$O/acceptance.md"
case "$FLEET_TASK_ID" in
  symlinked-plan) ln -s "$1" "$O/plan.md" ;;
  fifo-plan) mkfifo "$O/plan.md" ;;
  hardlinked-files) printf '# Plan\\nok\\n' >"$O/plan.md"; mkdir "$O/acceptance"; echo x >"$O/acceptance/a.mjs"; ln "$O/acceptance/a.mjs" "$O/acceptance/b.mjs" ;;
  leaky-plan) printf '# Plan\\n\\nUse the key %s to call the API.\\n' "$FLEET_PLAN_TOKEN" >"$O/plan.md" ;;
  *) printf '# Plan\\nMake ok.js say ok.\\n' >"$O/plan.md" ;;
esac
`;

const IMPLEMENTER_SH = `#!/bin/sh
echo ok >"ok-$FLEET_TASK_ID.js"
[ "$FLEET_TASK_ID" = leaky-change ] && printf 'export const key = "%s";\\n' "$FLEET_PLAN_TOKEN" >config.js
exit 0
`;

function project(ids: string[], config = ""): { root: string; home: string } {
  const root = tempRepo();
  const home = tempDir("fleet-person-home-");
  writeFile(home, ".ssh/id_ed25519", "PRIVATE KEY never-commit-me-41c2\n");
  writeFile(root, "tools/planner.sh", PLANNER_SH);
  writeFile(root, "tools/implementer.sh", IMPLEMENTER_SH);
  writeFile(
    root,
    ".fleet/config.md",
    `---\nmax_attempts: 1\nreview: { plan: auto }\ngates: { implement: [acceptance], ship: [acceptance] }\n${config}---\n`,
  );
  writeFile(root, ".fleet/agents/researcher.md", "---\nrunner: script\n---\nA scripted researcher.\n");
  const cmd = (script: string, ...args: string[]) =>
    `---\nrunner: command\ncommand: ${JSON.stringify(["sh", script, ...args])}\nenv: [FLEET_PLAN_TOKEN]\n---\nAn agent.\n`;
  writeFile(root, ".fleet/agents/planner.md", cmd("tools/planner.sh", path.join(home, ".ssh", "id_ed25519")));
  writeFile(root, ".fleet/agents/implementer.md", cmd("tools/implementer.sh"));
  for (const id of ids) writeFile(root, `.fleet/queue/${id}.md`, `---\nstatus: ready\n---\n# Task ${id}\n`);
  gitOut(root, "add", "-A");
  gitOut(root, "commit", "-q", "-m", "project");
  return { root, home };
}

function drain(root: string, home: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [CLI, "run", "--until-idle"], {
    cwd: root,
    env: { ...testEnv(home), FLEET_PLAN_TOKEN: TOKEN, ...env },
    encoding: "utf8",
    timeout: 240_000,
  });
  if (r.error) throw r.error;
  return r;
}

function state(root: string, id: string): { state: string; reason: string | null } {
  const t = readTask(fleetPaths(root), id);
  if (!t?.ok) throw new Error(`${id} does not load`);
  return { state: `${t.task.record.phase} / ${t.task.record.status}`, reason: t.task.record.reason ?? null };
}

/** Everything the fleet committed, on every ref, as text. */
function history(root: string): string {
  return spawnSync("git", ["log", "-p", "--all", "--format=%B"], { cwd: root, encoding: "utf8" }).stdout;
}

describe("agent outputs are data (built CLI, real bwrap)", () => {
  it("refuses a symlinked, FIFO or hard-linked output and commits no secret of the daemon", () => {
    const ids = ["symlinked-plan", "fifo-plan", "hardlinked-files", "leaky-plan", "leaky-change", "honest"];
    const { root, home } = project(ids);
    drain(root, home);

    expect(state(root, "symlinked-plan")).toEqual({
      state: "plan / failed",
      reason: expect.stringContaining("plan.md in $FLEET_OUTPUT_DIR is a symbolic link"),
    });
    expect(state(root, "fifo-plan").reason).toContain("plan.md in $FLEET_OUTPUT_DIR is not a regular file");
    expect(state(root, "hardlinked-files").reason).toContain(
      "acceptance/a.mjs is not a regular file of its own",
    );
    expect(state(root, "leaky-plan")).toEqual({
      state: "plan / blocked",
      reason: expect.stringMatching(
        /^\.fleet\/plans\/leaky-plan\.md line 13 holds the value of \$FLEET_PLAN_TOKEN/,
      ),
    });
    expect(state(root, "leaky-change")).toEqual({
      state: "implement / blocked",
      reason: expect.stringMatching(/^config\.js line 1 holds the value of \$FLEET_PLAN_TOKEN/),
    });
    expect(gitOut(root, "for-each-ref", "--format=%(refname)", "refs/heads/fleet/")).toBe("");
    expect(state(root, "honest").state).toBe("done / ready");

    const all = history(root);
    expect(all).not.toContain("never-commit-me");
    expect(all).not.toContain(TOKEN);
  }, 300_000);

  it("runs no agent where no sandbox can be made, and says how to fix it", () => {
    const { root, home } = project(["honest"]);
    drain(root, home, { FLEET_BWRAP: "/nonexistent/bwrap" });
    const t = state(root, "honest");
    expect(t.state).toBe("research / blocked");
    expect(t.reason).toContain("bubblewrap (/nonexistent/bwrap) is not installed");
    expect(t.reason).toContain("apt-get install bubblewrap");
    expect(t.reason).toContain("sandbox: off");
    const runs = readRuns(fleetPaths(root), "honest");
    expect(runs.map((x) => `${x.record.phase} ${x.record.outcome}`)).toEqual(["research blocked"]);
    expect(runs[0]?.record.exit_code).toBeNull();
  });

  it("with sandbox: off runs uncontained, and every run record says so", () => {
    const { root, home } = project(["honest"], "sandbox: off\n");
    drain(root, home, { FLEET_BWRAP: "/nonexistent/bwrap" });
    expect(state(root, "honest").state).toBe("done / ready");
    const runs = readRuns(fleetPaths(root), "honest");
    expect(runs.length).toBeGreaterThan(2);
    expect(runs.every((x) => x.record.sandbox === "off")).toBe(true);
  }, 120_000);
});
