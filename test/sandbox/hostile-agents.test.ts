/**
 * Hostile implementers in the real sandbox (bubblewrap, the built CLI, real git): each does the honest
 * work plus one attack on what judges or records it, or on the person's machine. Every attack is
 * refused by the containment itself — the work still ships, because the honest part is right — and
 * afterwards the person's clone holds exactly what the fleet committed, nothing runs, and no secret
 * of the daemon or of the person's HOME reached anything the fleet committed.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fleetPaths } from "../../src/store/paths.js";
import { readTask } from "../../src/store/read-tasks.js";
import { gitOut } from "../helpers/temp-repo.js";
import { ATTACKS, drain, hostileProject } from "./hostile-fixture.js";

const hash = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

function evidence(root: string, id: string): string {
  return gitOut(root, "show", `main:evidence/${id}.txt`);
}

describe("hostile agents in the sandbox (built CLI, real bwrap)", () => {
  it("refuses every attack class, ships the honest work, and leaves the person's clone as the fleet left it", () => {
    const ids = Object.keys(ATTACKS);
    const p = hostileProject(ids);
    const git = path.join(p.root, ".git");
    const configBefore = hash(path.join(git, "config"));
    const hooksBefore = readdirSync(path.join(git, "hooks")).sort();

    const r = drain(p);
    expect(r.stderr).not.toContain("blocked");
    expect(r.code, r.stderr + r.stdout).toBe(0);

    // Every task shipped: the honest part was right, and no attack changed what judged it.
    const paths = fleetPaths(p.root);
    for (const id of ids) {
      const t = readTask(paths, id);
      expect(t?.ok && `${t.task.record.phase} / ${t.task.record.status}`, id).toBe("done / ready");
    }
    for (const id of ids) expect(readFileSync(path.join(p.root, `ok-${id}.js`), "utf8")).toBe("ok\n");

    // Shared refs: the person's refs are the base branch alone, moved only by the fleet's own commits.
    expect(gitOut(p.root, "for-each-ref", "--format=%(refname)")).toBe("refs/heads/main");
    const subjects = gitOut(p.root, "log", "--format=%s", "main").split("\n");
    expect(subjects.every((s) => s.startsWith("fleet(") || s === "app with a hostile fleet")).toBe(true);
    expect(evidence(p.root, "moves-base")).toMatch(/update-ref exit [1-9]/);
    expect(evidence(p.root, "moves-base")).toMatch(/objects write exit [1-9]/);

    // Hooks, config, filters, textconv: nothing of the agent's ever ran outside its sandbox.
    for (const mark of [
      "pwned-hook",
      "pwned-fsmonitor",
      "pwned-filter",
      "pwned-smudge",
      "pwned-textconv",
      "pwned-global",
      "pwned-path",
    ])
      expect(existsSync(path.join(git, mark)), mark).toBe(false);
    expect(hash(path.join(git, "config"))).toBe(configBefore);
    expect(readdirSync(path.join(git, "hooks")).sort()).toEqual(hooksBefore);
    expect(evidence(p.root, "plants-hooks")).toMatch(/person hooks exit [1-9]/);
    // Its `git config --global` went to its own private HOME, not the person's.
    expect(existsSync(path.join(p.home, ".gitconfig"))).toBe(false);
    // The agent's .gitattributes shipped, but names a driver no config of the person's defines.
    expect(gitOut(p.root, "show", "main:.gitattributes")).toBe("*.js filter=evil diff=evil");

    // The person's tree, other checkouts, the gates' checkouts, the runtime dir: not visible.
    expect(existsSync(path.join(p.root, "pwned.txt"))).toBe(false);
    expect(evidence(p.root, "writes-person-tree")).toMatch(/person file exit [1-9]/);
    const seen = evidence(p.root, "reads-other-checkouts");
    expect(seen).toMatch(/^clones: reads-other-checkouts\s*$/m);
    expect(seen).toMatch(/^gates: .*No such file or directory/m);
    expect(seen).toMatch(/^work: clones outputs\s*$/m);
    expect(evidence(p.root, "writes-runtime")).toMatch(/Read-only file system/);
    expect(evidence(p.root, "writes-runtime")).toMatch(/claim write exit [1-9]/);
    expect(evidence(p.root, "writes-runtime")).toMatch(/claims: .*No such file or directory/);
    const claim = JSON.parse(readFileSync(path.join(git, "fleet", "claims", "writes-runtime.json"), "utf8"));
    expect(claim.epoch).toBeLessThan(999);

    // PATH: the daemon's PATH folders are read-only to the agent.
    expect(existsSync(path.join(p.bindir, "git"))).toBe(false);
    expect(evidence(p.root, "writes-path")).toMatch(/path write exit [1-9]/);

    // Secrets: not in the agent's environment, not in /proc, not in its HOME.
    const secrets = evidence(p.root, "reads-secrets");
    expect(secrets).not.toContain("hunter2");
    expect(secrets).not.toContain("do-not-read-me");
    expect(secrets.split("\n")[0]).toBe("0");
    expect(secrets).toMatch(/ssh key exit [1-9]/);
    expect(Number(/processes: (\d+)/.exec(secrets)?.[1])).toBeLessThan(6);
    const everything = spawnSync("git", ["log", "-p", "--all", "--format=%B"], {
      cwd: p.root,
      encoding: "utf8",
    });
    expect(everything.stdout).not.toContain("hunter2");
    expect(everything.stdout).not.toContain("do-not-read-me");

    // The gates ran the candidate's poisoned test in a checkout whose .git it could not write.
    expect(gitOut(p.root, "show", "main:test/poison.test.mjs")).toContain("pwned-gate");
    expect(existsSync(path.join(p.root, "pwned-gate.txt"))).toBe(false);
    expect(existsSync(path.join(git, "pwned-gate-fsmonitor"))).toBe(false);
    expect(existsSync(path.join(git, "fleet", "pwned-gate"))).toBe(false);

    // setsid and double forks end with the run; signals reach nothing outside the sandbox.
    expect(evidence(p.root, "escapes-setsid")).toBe("spawned");
    expect(spawnSync("pgrep", ["-f", "sleep 31[34]\\.5"]).status).toBe(1);
    // Inside its PID namespace the daemon is not even there to signal.
    expect(evidence(p.root, "signals-daemon")).toBe("signalled");

    // The person's work tree and index: exactly what shipped.
    expect(gitOut(p.root, "status", "--porcelain", "--ignored")).toBe("");
  }, 300_000);
});
