/**
 * `fleet doctor`'s cross-reference checks, as pure functions over records already read: names that must
 * exist, and dependency cycles. Each finding says where (file + field), what, and how to fix it.
 */
import type { Agent } from "../store/schemas/agent.js";
import type { Config } from "../store/schemas/config.js";
import type { Gate } from "../store/schemas/gate.js";
import type { Task } from "../store/schemas/task.js";

/** One finding of `fleet doctor`. `file` is relative to the repository root; `field` a dotted path or null. */
export interface DoctorProblem {
  file: string;
  field: string | null;
  message: string;
  /** What to do about it, in one sentence. */
  fix: string;
  line?: number;
}

/**
 * Config names agents and gates that exist; agent gates name agents that exist; `ship.open_pr` has a
 * branch and a remote to open a pull request for.
 */
export function checkDefinitions(
  config: Config,
  configFile: string,
  agents: ReadonlySet<string>,
  gates: ReadonlyMap<string, { record: Gate; file: string }>,
): DoctorProblem[] {
  const out: DoctorProblem[] = [];
  for (const [phase, name] of Object.entries(config.agents)) {
    if (agents.has(name)) continue;
    out.push({
      file: configFile,
      field: `agents.${phase}`,
      message: `names agent "${name}", but .fleet/agents/${name}.md does not exist`,
      fix: `Create .fleet/agents/${name}.md (\`fleet init --force\` adds the defaults) or name an existing agent.`,
    });
  }
  for (const [phase, names] of Object.entries(config.gates)) {
    names.forEach((name, i) => {
      if (gates.has(name)) return;
      out.push({
        file: configFile,
        field: `gates.${phase}.${i}`,
        message: `names gate "${name}", but .fleet/gates/${name}.md does not exist`,
        fix: `Create .fleet/gates/${name}.md or remove "${name}" from gates.${phase}.`,
      });
    });
  }
  if (config.ship.open_pr && (config.ship.mode !== "branch" || config.remote === null)) {
    out.push({
      file: configFile,
      field: "ship.open_pr",
      message:
        config.ship.mode !== "branch"
          ? "is true, but ship.mode is push: the base advances and there is no branch to open a pull request for"
          : "is true, but remote: is null: the review branch stays in this clone, so no pull request can be opened",
      fix:
        config.ship.mode !== "branch"
          ? "Set `ship: { mode: branch, open_pr: true }`, or remove open_pr."
          : "Set `remote:` to the git remote to push to (e.g. origin), or remove open_pr.",
    });
  }
  for (const [name, { record, file }] of gates) {
    if (record.kind === "agent" && !agents.has(record.agent)) {
      out.push({
        file,
        field: "agent",
        message: `gate ${name} runs agent "${record.agent}", but .fleet/agents/${record.agent}.md does not exist`,
        fix: `Create .fleet/agents/${record.agent}.md or name an existing agent.`,
      });
    }
  }
  return out;
}

/** The agent names a map of loaded agents holds (convenience for {@link checkDefinitions}). */
export function agentNames(agents: ReadonlyMap<string, { record: Agent }>): Set<string> {
  return new Set(agents.keys());
}

/** `depends_on`, `parent` and `merged_into` name tasks that exist; no task waits on a dropped one. */
export function checkTaskReferences(
  tasks: ReadonlyMap<string, { record: Task; file: string }>,
): DoctorProblem[] {
  const out: DoctorProblem[] = [];
  for (const { record: t, file } of tasks.values()) {
    t.depends_on.forEach((dep, i) => {
      const other = tasks.get(dep)?.record;
      const field = `depends_on.${i}`;
      if (!other) {
        out.push({
          file,
          field,
          message: `depends on "${dep}", which is not a task`,
          fix: `Remove "${dep}" from depends_on or fix the id (\`fleet ls --all\`).`,
        });
      } else if (other.phase === "dropped" && t.phase !== "dropped" && t.phase !== "done") {
        const instead = other.merged_into
          ? ` or replace it with ${other.merged_into} (it was merged there)`
          : "";
        out.push({
          file,
          field,
          message: `depends on ${dep}, which was dropped, so ${t.id} can never start`,
          fix: `Remove "${dep}" from depends_on${instead}.`,
        });
      }
    });
    if (t.parent !== null && !tasks.has(t.parent)) {
      out.push({
        file,
        field: "parent",
        message: `parent "${t.parent}" is not a task`,
        fix: "Set parent to an existing task id, or null.",
      });
    }
    if (t.merged_into !== null && !tasks.has(t.merged_into)) {
      out.push({
        file,
        field: "merged_into",
        message: `merged_into "${t.merged_into}" is not a task`,
        fix: "Set merged_into to the task it was merged into, or null.",
      });
    }
  }
  return out;
}

/** Every cycle in the graph `next` (each reported once, rotated to start at its smallest id). Iterative. */
function findCycles(ids: readonly string[], next: (id: string) => readonly string[]): string[][] {
  const state = new Map<string, 1 | 2>();
  const cycles: string[][] = [];
  for (const root of [...ids].sort()) {
    if (state.has(root)) continue;
    const stack: { id: string; edges: readonly string[]; i: number }[] = [];
    const path: string[] = [];
    const enter = (id: string) => {
      state.set(id, 1);
      path.push(id);
      stack.push({ id, edges: next(id), i: 0 });
    };
    enter(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { id: string; edges: readonly string[]; i: number };
      const n = top.edges[top.i++];
      if (n === undefined) {
        stack.pop();
        path.pop();
        state.set(top.id, 2);
      } else if (state.get(n) === 1) {
        const cycle = path.slice(path.indexOf(n));
        const start = cycle.indexOf([...cycle].sort()[0] ?? n);
        cycles.push([...cycle.slice(start), ...cycle.slice(0, start)]);
      } else if (!state.has(n)) enter(n);
    }
  }
  return cycles;
}

/** No task depends on itself through `depends_on`, and no `parent` chain loops. */
export function checkCycles(tasks: ReadonlyMap<string, { record: Task; file: string }>): DoctorProblem[] {
  const ids = [...tasks.keys()];
  const out: DoctorProblem[] = [];
  const deps = (id: string) => (tasks.get(id)?.record.depends_on ?? []).filter((d) => tasks.has(d));
  for (const cycle of findCycles(ids, deps)) {
    const first = cycle[0] ?? "";
    out.push({
      file: tasks.get(first)?.file ?? "",
      field: "depends_on",
      message: `dependency cycle: ${[...cycle, first].join(" → ")}; none of these can ever start`,
      fix: "Remove one of the dependencies in the cycle.",
    });
  }
  const parent = (id: string) => {
    const p = tasks.get(id)?.record.parent;
    return p && tasks.has(p) ? [p] : [];
  };
  for (const cycle of findCycles(ids, parent)) {
    const first = cycle[0] ?? "";
    out.push({
      file: tasks.get(first)?.file ?? "",
      field: "parent",
      message: `parent cycle: ${[...cycle, first].join(" → ")}`,
      fix: "Set parent of one of these tasks to null.",
    });
  }
  return out;
}

/** Frozen installs and the lock file each needs in the checkout. */
const FROZEN: readonly [RegExp, string[]][] = [
  [/\bnpm\s+ci\b/, ["package-lock.json", "npm-shrinkwrap.json"]],
  [/\bpnpm\s+(?:i|install)\b.*--frozen-lockfile/, ["pnpm-lock.yaml"]],
  [/\byarn\s+(?:install\s+)?.*(?:--frozen-lockfile|--immutable)/, ["yarn.lock"]],
  [/\bbun\s+(?:i|install)\b.*--frozen-lockfile/, ["bun.lock", "bun.lockb"]],
];

/**
 * `setup` installs from a lock file that git does not track: every fleet checkout (made from git)
 * lacks it, so setup fails in all of them though it works in the person's work tree.
 * @param tracked the lock files `git ls-files` lists.
 */
export function checkSetupLock(
  setup: string | null,
  tracked: ReadonlySet<string>,
  configFile: string,
): DoctorProblem[] {
  if (!setup) return [];
  for (const [pattern, locks] of FROZEN) {
    if (!pattern.test(setup) || locks.some((l) => tracked.has(l))) continue;
    return [
      {
        file: configFile,
        field: "setup",
        message: `\`${setup}\` installs from ${locks.join(" or ")}, which git does not track (is it in .gitignore?): fleet checkouts are made from git, so setup would fail in every one of them`,
        fix: `Commit ${locks[0]} (\`git add -f ${locks[0]}\`), or set \`setup:\` to an install that needs no lock file (e.g. \`${setup.replace(/\bnpm\s+ci\b/, "npm install").replace(/\s--(?:frozen-lockfile|immutable)\b/, "")}\`).`,
      },
    ];
  }
  return [];
}
