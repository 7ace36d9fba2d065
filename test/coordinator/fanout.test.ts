/**
 * Fan-out in a real repository: a planner proposes child tasks, `fleet approve` turns them into tasks,
 * they run (two in parallel, one after both), ship on their own, and the parent's own checks then run
 * on the base tip as the integration check. Agents are plain functions; git, gates and ships are real.
 */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { AgentRunRequest } from "../../src/agents/types.js";
import { answer } from "../../src/commands/answer.js";
import { readApprovalInputs } from "../../src/commands/approval-inputs.js";
import { approve } from "../../src/commands/approve.js";
import { doctor } from "../../src/commands/doctor.js";
import { drop } from "../../src/commands/drop.js";
import { retry } from "../../src/commands/retry.js";
import { lockTask } from "../../src/coordinator/claims.js";
import { fleetPaths } from "../../src/store/paths.js";
import { readRuns } from "../../src/store/read-records.js";
import { readTasks } from "../../src/store/read-tasks.js";
import type { Task } from "../../src/store/schemas/task.js";
import { commitFleetDir, writeTaskFile } from "../helpers/fleet-fixtures.js";
import { gitOut } from "../helpers/temp-repo.js";
import { coordinator, drain, dropIdea, fleetRepo, type Play, taskLog } from "./helpers.js";

function tasks(root: string): Task[] {
  return [...readTasks(fleetPaths(root)).tasks.values()].map((t) => t.record);
}
function byTitle(root: string, title: string): Task {
  const t = tasks(root).find((x) => x.title === title);
  if (!t) throw new Error(`no task titled ${title}`);
  return t;
}
function get(root: string, id: string): Task {
  const t = tasks(root).find((x) => x.id === id);
  if (!t) throw new Error(`no task ${id}`);
  return t;
}

const out = (req: AgentRunRequest, name: string, text: string) => {
  mkdirSync(path.dirname(path.join(req.outputDir, name)), { recursive: true });
  writeFileSync(path.join(req.outputDir, name), text);
};

/** The letter a child writes: its id starts with the slug of its title, `part-<letter>`. */
const letterOf = (id: string) => /^part-([a-z])-/.exec(id)?.[1] ?? null;

/**
 * The parent `whole` needs a.txt, b.txt, c.txt (and `extra` files); it fans out into parts a and b and
 * a part c that depends on both. Each part plans a check for its own file and writes it.
 */
function fanAgent(opts: { extra?: string[]; children?: Record<string, string> } = {}): Play {
  const needs = ["a", "b", "c", ...(opts.extra ?? [])];
  return (req) => {
    const letter = letterOf(req.taskId);
    if (req.phase === "research") out(req, "research.md", "# Findings\n\nThe whole needs three parts.\n");
    if (req.phase === "plan" && req.taskId === "whole") {
      out(req, "plan.md", "# Plan\n\nThree parts.\n");
      const run = needs.map((n) => `test -f ${n}.txt`).join(" && ");
      out(
        req,
        "acceptance.md",
        `---\nchecks:\n  - id: AC1\n    says: every part is there\n    run: ${run}\n---\n`,
      );
      const children = opts.children ?? {
        "part-a.md": '---\ntitle: Part a\ntouches: ["a.txt"]\n---\nWrite a.txt.\n',
        "part-b.md": '---\ntitle: Part b\ntouches: ["b.txt"]\n---\nWrite b.txt.\n',
        "part-c.md":
          '---\ntitle: Part c\ntouches: ["c.txt"]\ndepends_on: [part-a, part-b]\npriority: 1\n---\nWrite c.txt.\n',
      };
      for (const [name, text] of Object.entries(children)) out(req, `children/${name}`, text);
    }
    if (req.phase === "plan" && letter) {
      out(req, "plan.md", `# Plan\n\nWrite ${letter}.txt\n`);
      out(
        req,
        "acceptance.md",
        `---\nchecks:\n  - id: AC1\n    says: ${letter}.txt exists\n    run: test -f ${letter}.txt\n---\n`,
      );
    }
    if (req.phase === "implement" && letter)
      writeFileSync(path.join(req.cwd, `${letter}.txt`), `${letter}\n`);
    if (req.phase === "implement" && req.taskId === "whole")
      for (const n of needs) writeFileSync(path.join(req.cwd, `${n}.txt`), `${n}\n`);
    return undefined;
  };
}

async function planWhole(config: string, play: Play) {
  const root = fleetRepo(config);
  dropIdea(root, "whole", "---\nstatus: ready\n---\n# The whole\n\nThree parts.\n");
  const prompts: AgentRunRequest[] = [];
  const co = await coordinator(root, (req) => {
    prompts.push(req);
    return play(req);
  });
  await drain(co.c);
  return { root, prompts, ...co };
}

describe("fan-out", () => {
  it("three children (two in parallel, one after both) ship, and the integration check passes", async () => {
    const { root, c, prompts } = await planWhole("concurrency: 2\nreview: { children: auto }\n", fanAgent());
    expect(get(root, "whole")).toMatchObject({ phase: "plan", status: "awaiting-approval" });
    const proposed = readdirSync(path.join(root, ".fleet/plans/whole/children")).sort();
    expect(proposed).toEqual(["part-a.md", "part-b.md", "part-c.md"]);
    expect(gitOut(root, "ls-files", ".fleet/plans/whole/children")).toContain("part-c.md");

    const approved = await approve({ cwd: root, id: "whole", yes: true });
    expect(approved.children).toHaveLength(3);
    const [a, b, cc] = ["Part a", "Part b", "Part c"].map((t) => byTitle(root, t)) as [Task, Task, Task];
    expect(get(root, "whole")).toMatchObject({ phase: "implement", status: "waiting-children" });
    for (const child of [a, b, cc])
      expect(child).toMatchObject({ parent: "whole", phase: "plan", status: "ready" });
    expect(cc.depends_on.sort()).toEqual([a.id, b.id].sort());
    expect(cc.priority).toBe(1);
    expect(a.priority).toBe(2);

    const first = await c.reconcile({ full: true });
    expect(first.started.map((s) => s.taskId).sort()).toEqual([a.id, b.id].sort());
    expect(first.waiting.find((w) => w.taskId === cc.id)?.why).toMatch(/depends on/);
    expect(first.waiting.find((w) => w.taskId === "whole")?.why).toMatch(/waits for 3 of 3 children/);
    await drain(c);

    for (const child of [a, b, cc]) {
      const t = get(root, child.id);
      expect(t.phase).toBe("done");
      expect(t.shipped?.commit).toMatch(/^[0-9a-f]{40}$/);
    }
    // Each child shipped on its own: three commits on main touching one file each.
    for (const l of ["a", "b", "c"])
      expect(gitOut(root, "log", "--format=%H", "main", "--", `${l}.txt`).split("\n")).toHaveLength(1);
    const whole = get(root, "whole");
    expect(whole).toMatchObject({ phase: "done", status: "ready" });
    expect(whole.shipped?.already).toBe(true);
    const judged = whole.shipped?.commit ?? "";
    expect(gitOut(root, "ls-tree", "--name-only", judged).split("\n")).toEqual(
      expect.arrayContaining(["a.txt", "b.txt", "c.txt"]),
    );
    gitOut(root, "merge-base", "--is-ancestor", judged, "main");
    expect(taskLog(root, "whole").at(-1)).toBe("implement integrated");
    const integration = readRuns(fleetPaths(root), "whole").at(-1)?.record;
    expect(integration).toMatchObject({ phase: "implement", outcome: "passed" });
    expect(integration?.gates.map((g) => [g.gate, g.verdict])).toEqual([["integration:AC1", "pass"]]);
    // The children planned from the parent's research; none ran research of its own.
    const childPlan = prompts.find((p) => p.taskId === a.id && p.phase === "plan");
    expect(childPlan?.prompt).toContain("The whole needs three parts.");
    expect(prompts.some((p) => p.phase === "research" && p.taskId !== "whole")).toBe(false);
    expect(prompts.some((p) => p.phase === "implement" && p.taskId === "whole")).toBe(false);
  });

  it("a failing integration check sends the parent to its own implementer with the failure as feedback", async () => {
    const { root, c, prompts } = await planWhole(
      "concurrency: 2\nreview: { children: auto }\n",
      fanAgent({ extra: ["glue"] }),
    );
    await approve({ cwd: root, id: "whole", yes: true });
    await drain(c);
    const whole = get(root, "whole");
    expect(whole).toMatchObject({ phase: "done" });
    expect(whole.shipped?.already).toBeUndefined();
    const log = taskLog(root, "whole");
    expect(log).toContain("implement retrying");
    expect(log.at(-1)).toBe("ship shipped");
    const impl = prompts.filter((p) => p.phase === "implement" && p.taskId === "whole");
    expect(impl).toHaveLength(1);
    expect(impl[0]?.prompt).toContain("Integration check failed");
    expect(impl[0]?.prompt).toContain("integration:AC1");
    expect(gitOut(root, "show", "main:glue.txt")).toBe("glue");
  });

  it("under review.plan: auto the children are made with the proposal, and the whole drains unattended", async () => {
    const { root } = await planWhole("concurrency: 2\nreview: { plan: auto }\n", fanAgent());
    expect(get(root, "whole")).toMatchObject({ phase: "done" });
    expect(taskLog(root, "whole").filter((l) => !l.endsWith(" started"))).toEqual([
      "idea created",
      "research researched (carried)",
      "plan proposed",
      "implement integrated",
    ]);
    // The children's task files came in the proposal commit itself.
    const proposal = gitOut(
      root,
      "log",
      "-1",
      "--format=%H",
      "--grep=Fleet-Event: proposed",
      "--grep=Fleet-Task: whole$",
      "--all-match",
    );
    const files = gitOut(root, "show", "--name-only", "--format=", proposal).split("\n");
    const children = tasks(root).filter((t) => t.parent === "whole");
    expect(children).toHaveLength(3);
    for (const c of children) expect(files).toContain(`.fleet/queue/${c.id}.md`);
    expect(files).toContain(".fleet/plans/whole/children/part-c.md");
  });

  it("a dropped child blocks the parent with a question for a person", async () => {
    const { root, c } = await planWhole("concurrency: 1\n", fanAgent());
    await approve({ cwd: root, id: "whole", yes: true });
    const a = byTitle(root, "Part a");
    await drop({ cwd: root, id: a.id, reason: "not needed after all" });
    await c.reconcile({ full: true });
    const whole = get(root, "whole");
    expect(whole).toMatchObject({ phase: "implement", status: "blocked" });
    expect(whole.question).toContain(a.id);
    expect(whole.question).toMatch(/dropped/);
    expect(taskLog(root, "whole").at(-1)).toBe("implement asked");
  });

  it("a failed child blocks the parent; once retried and answered, the parent waits again and integrates", async () => {
    let broken = true;
    const base = fanAgent();
    const play: Play = (req) => {
      // Part b's implementer writes nothing while broken: its acceptance gate fails.
      if (broken && req.phase === "implement" && letterOf(req.taskId) === "b") return undefined;
      return base(req);
    };
    const { root, c } = await planWhole(
      "concurrency: 2\nmax_attempts: 1\nreview: { children: auto }\n",
      play,
    );
    await approve({ cwd: root, id: "whole", yes: true });
    await drain(c);
    const b = byTitle(root, "Part b");
    expect(b).toMatchObject({ phase: "implement", status: "failed" });
    const whole = get(root, "whole");
    expect(whole).toMatchObject({ phase: "implement", status: "blocked" });
    expect(whole.question).toContain(`${b.id} (implement / failed)`);
    broken = false;
    await retry({ cwd: root, id: b.id });
    const answered = await answer({ cwd: root, id: "whole", answer: "retried part b" });
    expect(answered.to).toEqual({ phase: "implement", status: "waiting-children" });
    await drain(c);
    expect(get(root, "whole")).toMatchObject({ phase: "done" });
    expect(taskLog(root, "whole").slice(-3)).toEqual([
      "implement asked",
      "implement answered",
      "implement integrated",
    ]);
  });

  it("an integration check that lands nothing (another holder has the task) backs off instead of looping", async () => {
    const root = fleetRepo("concurrency: 2\nreview: { plan: auto }\n");
    writeTaskFile(root, { id: "whole", title: "The whole", phase: "implement", status: "waiting-children" });
    writeTaskFile(root, { id: "part-a", title: "Part a", phase: "done", status: "ready", parent: "whole" });
    commitFleetDir(root, "a parent whose only child is done");
    const { c, repo } = await coordinator(root, () => undefined);
    const held = await lockTask(repo.commonDir, "whole");
    try {
      const first = await c.reconcile({ full: true });
      expect(first.started.map((s) => s.taskId)).toEqual(["whole"]);
      await c.whenJobEnds();
      const again = await c.reconcile({ full: true });
      expect(again.started).toEqual([]);
      expect(again.waiting.find((w) => w.taskId === "whole")?.why).toMatch(
        /integration check backed off until/,
      );
      expect(get(root, "whole")).toMatchObject({ phase: "implement", status: "waiting-children" });
    } finally {
      await held?.release();
    }
  });

  it("a malformed child file fails the plan attempt, naming the file and field", async () => {
    const { root } = await planWhole(
      "concurrency: 1\nmax_attempts: 1\n",
      fanAgent({
        children: {
          "part-a.md": "---\ntitle: Part a\nphase: done\n---\n",
          "part-b.md": "---\ntitle: Part b\npriority: 9\n---\n",
          "notes.txt": "not a child",
        },
      }),
    );
    const whole = get(root, "whole");
    expect(whole).toMatchObject({ phase: "plan", status: "failed" });
    expect(whole.reason).toMatch(/children\/part-a\.md: .*phase/);
    expect(whole.reason).toMatch(/children\/part-b\.md \(priority\): /);
    expect(whole.reason).toMatch(/children\/notes\.txt: not a child file/);
    expect(tasks(root).map((t) => t.id)).toEqual(["whole"]);
  });

  it("changing a child file after the proposal voids the approval", async () => {
    const { root } = await planWhole("concurrency: 1\n", fanAgent());
    const before = readApprovalInputs(fleetPaths(root), "whole");
    expect(before.childFiles).toHaveLength(3);
    writeFileSync(
      path.join(root, ".fleet/plans/whole/children/part-a.md"),
      '---\ntitle: Part a\ntouches: ["**"]\n---\n',
    );
    const after = readApprovalInputs(fleetPaths(root), "whole");
    expect(after.sha256).not.toBe(before.sha256);
    // fleet doctor checks the proposed children like any record, and does not call their folder stray.
    writeFileSync(
      path.join(root, ".fleet/plans/whole/children/part-b.md"),
      "---\ntitle: Part b\nphase: done\n---\n",
    );
    const checked = await doctor({ cwd: root });
    const lines = checked.problems.map((p) => `${p.file}: ${p.message}`);
    expect(lines).toContain('.fleet/plans/whole/children/part-b.md: Unrecognized key: "phase"');
    expect(lines.filter((l) => l.includes("is a folder"))).toEqual([]);
  });
});
