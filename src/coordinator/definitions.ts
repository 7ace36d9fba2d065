/**
 * The definitions that judge a task — `.fleet/config.md`, `agents/` and `gates/` — read from a
 * commit, never from the person's work tree: the base branch's tip when the task is claimed. An
 * uncommitted edit of a gate therefore applies once it is committed, and every run record names the
 * commit its definitions came from (`definitions:`).
 */
import { statSync } from "node:fs";
import path from "node:path";
import type { Repo } from "../git/repo.js";
import { gitText } from "../git/run-git.js";
import { fleetPaths } from "../store/paths.js";
import type { Loaded, Problem } from "../store/read-file.js";
import { readAgents, readConfig, readGates } from "../store/read-records.js";
import type { Agent } from "../store/schemas/agent.js";
import { type Config, configSchema } from "../store/schemas/config.js";
import type { Gate } from "../store/schemas/gate.js";
import { withFleetFilesAt } from "./fleet-at-commit.js";

/** The definition paths, relative to the repository root (folders end with `/`). */
export const DEFINITION_PATHS: readonly string[] = [".fleet/config.md", ".fleet/agents/", ".fleet/gates/"];

/** Config, agents and gates as one commit holds them, with the problems found in those files. */
export interface Definitions {
  /** The commit read (full sha), or null when the base branch does not exist (then all defaults). */
  commit: string | null;
  config: Config;
  agents: Map<string, Loaded<Agent>>;
  gates: Map<string, Loaded<Gate>>;
  /** Problems of those files at that commit (file paths relative to the repository root). */
  problems: Problem[];
}

/** The definitions in `commit` (a full sha). @throws GitError when it is not a commit of `repo`. */
export function readDefinitionsAt(repo: Repo, commit: string): Promise<Definitions> {
  return withFleetFilesAt(repo, commit, DEFINITION_PATHS, (root) => {
    const paths = fleetPaths(root);
    const problems: Problem[] = [];
    const config = readConfig(paths, problems);
    const agents = readAgents(paths, problems);
    const gates = readGates(paths, problems);
    return { commit, config, agents, gates, problems };
  });
}

/** The tip of branch `base`, or null when it does not exist. */
export async function branchTip(repo: Repo, base: string): Promise<string | null> {
  const out = await gitText(["rev-parse", "--verify", "-q", `refs/heads/${base}^{commit}`], {
    cwd: repo.root,
    okCodes: [1, 128],
  });
  return out === "" ? null : out;
}

/** `mtime:size:ino` of a file, or `-` when it does not exist. */
function stamp(file: string): string {
  const st = statSync(file, { throwIfNoEntry: false });
  return st ? `${st.mtimeMs}:${st.size}:${st.ino}` : "-";
}

/**
 * Reads the definitions at the tip of the base branch, again only when the tip moved. Whether it
 * may have moved is told by the stat of the branch's loose ref and of `packed-refs` (git rewrites
 * one of them, by rename, whenever a branch moves), so a warm reconcile spawns no git at all; and a
 * tip whose definition files are the same objects as before is not read out again.
 */
export class DefinitionsAtBase {
  private last: Definitions | null = null;
  private lastKey = "";
  /** `git ls-tree` of the definition paths at `last.commit`: their object ids. */
  private lastObjects = "";

  constructor(private readonly repo: Repo) {}

  /**
   * The definitions at the tip of branch `base` (the work tree's `config.md` names it: that is the
   * only thing read from the work tree). A missing branch gives the defaults and one problem.
   */
  async current(base: string): Promise<Definitions> {
    const { commonDir } = this.repo;
    const key = `${base}|${stamp(path.join(commonDir, "refs", "heads", base))}|${stamp(path.join(commonDir, "packed-refs"))}`;
    if (this.last && key === this.lastKey) return this.last;
    const tip = await branchTip(this.repo, base);
    this.lastKey = key;
    if (tip === null) {
      this.last = null;
      return {
        commit: null,
        config: configSchema.parse({ base }),
        agents: new Map(),
        gates: new Map(),
        problems: [
          {
            file: ".fleet/config.md",
            field: "base",
            message: `the base branch ${base} does not exist, so no definitions can be read from it`,
          },
        ],
      };
    }
    if (this.last?.commit === tip) return this.last;
    // Most moves of the base are the fleet's own `.fleet/queue`, `runs` … commits: when config.md,
    // agents/ and gates/ are the same objects as at the last read, that read still holds (one git
    // call instead of the five of reading them out).
    const objects = await gitText(
      ["ls-tree", "-z", tip, "--", ...DEFINITION_PATHS.map((p) => p.replace(/\/$/, ""))],
      {
        cwd: this.repo.root,
        env: { GIT_LITERAL_PATHSPECS: "1" },
      },
    );
    if (this.last && objects === this.lastObjects) this.last = { ...this.last, commit: tip };
    else this.last = await readDefinitionsAt(this.repo, tip);
    this.lastObjects = objects;
    return this.last;
  }
}
