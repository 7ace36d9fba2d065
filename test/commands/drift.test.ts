import { describe, expect, it } from "vitest";
import { getRunner } from "../../src/agents/index.js";
import { doctor } from "../../src/commands/doctor.js";
import { init } from "../../src/commands/init.js";
import { ls } from "../../src/commands/ls.js";
import type { FleetLogEvent } from "../../src/coordinator/job.js";
import { runDaemon } from "../../src/watcher/daemon.js";
import { gitOut, tempRepo, writeFile } from "../helpers/temp-repo.js";

describe("the work tree parting from what the daemon uses", () => {
  it("is reported by doctor and ls: an uncommitted gate, then a HEAD off the base branch", async () => {
    const root = tempRepo();
    await init({ cwd: root });
    expect(await doctor({ cwd: root })).toMatchObject({ ok: true, warnings: [] });
    expect((await ls({ cwd: root })).notices).toEqual([]);

    writeFile(root, ".fleet/gates/lint.md", "---\nkind: command\nrun: npm run lint\n---\n");
    const report = await doctor({ cwd: root });
    expect(report.ok).toBe(true);
    expect(report.warnings.find((p) => p.file === ".fleet/gates/lint.md")?.message).toMatch(
      /^differs from main \([0-9a-f]{12}\): the daemon reads config, agents and gates from main's tip/,
    );
    const notices = (await ls({ cwd: root })).notices;
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^\.fleet\/gates\/lint\.md differs from main/);

    gitOut(root, "add", ".fleet");
    gitOut(root, "commit", "-qm", "lint gate");
    gitOut(root, "switch", "-q", "-c", "feature");
    const off = await doctor({ cwd: root });
    expect(off.problems).toEqual([]);
    expect(off.warnings.map((p) => [p.file, p.field])).toEqual([[".fleet/config.md", "base"]]);
    expect(off.warnings[0]?.message).toContain("HEAD is on branch feature, not on the base branch main");
    expect((await ls({ cwd: root })).notices).toEqual([
      "HEAD is on branch feature, not on the base branch main: the daemon works on main and ships to it",
    ]);
  });

  it("is said by the daemon when it starts", async () => {
    const root = tempRepo();
    await init({ cwd: root });
    gitOut(root, "switch", "-q", "-c", "feature");
    const events: FleetLogEvent[] = [];
    await runDaemon({
      cwd: root,
      mode: "once",
      signal: new AbortController().signal,
      getRunner,
      onEvent: (e) => events.push(e),
      command: "fleet run",
    });
    expect(events.filter((e) => e.event === "warning").map((e) => e.detail)).toContain(
      "HEAD is on branch feature, not on the base branch main: the daemon works on main and ships to it",
    );
  });
});
