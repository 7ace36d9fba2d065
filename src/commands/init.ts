/** `fleet init`: creates a commented `.fleet/` for this repository and commits it. */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { FleetError } from "../errors.js";
import { commitFleet } from "../git/commit-fleet.js";
import { findRepo } from "../git/repo.js";
import { fleetPaths, relativeToRoot } from "../store/paths.js";
import { withStateLock } from "../store/state-lock.js";
import { detectProject } from "./init-detect.js";
import {
  acceptanceGateTemplate,
  agentTemplate,
  commandGateTemplate,
  configTemplate,
  DEFAULT_AGENTS,
  gatePlan,
  type ProjectFacts,
} from "./init-templates.js";
import { requireIdentity } from "./person-context.js";

/** Options of {@link init}. */
export interface InitOptions {
  cwd: string;
  /** With an existing `.fleet/`: add only the files that are missing, never overwrite. */
  force?: boolean;
  /** Where agent CLIs and package managers are looked up (its PATH). Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** `--remote <name>`: config.md's `remote:` (the template's; an existing config.md is left to init-remote.ts). */
  remote?: string | null;
}

/** What `fleet init` did. Paths are relative to the repository root. */
export interface InitResult {
  root: string;
  facts: ProjectFacts;
  created: string[];
  /** Files that already existed and were left alone (with `force`). */
  kept: string[];
  commit: string | null;
}

const KEEP_DIRS = ["queue", "plans", "acceptance", "research", "runs"] as const;

/** Every file of a fresh `.fleet/`, by path relative to the `.fleet/` folder. */
function templateFiles(facts: ProjectFacts, remote: string | null): Map<string, string> {
  const files = new Map<string, string>();
  files.set("config.md", configTemplate(facts, remote));
  for (const name of DEFAULT_AGENTS) files.set(`agents/${name}.md`, agentTemplate(name, facts.runner));
  for (const script of facts.scripts) files.set(`gates/${script}.md`, commandGateTemplate(script, facts));
  files.set("gates/acceptance.md", acceptanceGateTemplate());
  for (const dir of KEEP_DIRS) files.set(`${dir}/.gitkeep`, "");
  return files;
}

/**
 * Creates `.fleet/` (config, agents, gates detected from package.json, empty folders) and commits the
 * files it created as one commit: `Fleet-Task: fleet`, `Fleet-Phase: fleet`, `Fleet-Event: initialized`.
 * @throws FleetError("conflict") when `.fleet/` exists and `force` is not set; not-found outside a git
 *   repository or without a git identity.
 */
export async function init(opts: InitOptions): Promise<InitResult> {
  const repo = await findRepo(opts.cwd);
  const author = await requireIdentity(repo.root);
  const paths = fleetPaths(repo.root);
  if (existsSync(paths.fleet) && !opts.force) {
    throw new FleetError("conflict", `.fleet/ already exists in ${repo.root}`, {
      hint: "`fleet init --force` adds only the files that are missing; `fleet doctor` checks the ones there.",
    });
  }
  const facts = await detectProject(repo.root, opts.env ?? process.env);
  return withStateLock(repo.commonDir, async () => {
    const created: string[] = [];
    const kept: string[] = [];
    for (const [rel, content] of templateFiles(facts, opts.remote ?? null)) {
      const abs = path.join(paths.fleet, rel);
      const shown = relativeToRoot(repo.root, abs);
      if (existsSync(abs)) {
        kept.push(shown);
        continue;
      }
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, content, { flag: "wx" });
      created.push(shown);
    }
    const gates = gatePlan(facts);
    const commit = await commitFleet(repo, {
      event: {
        task: "fleet",
        phase: "fleet",
        event: "initialized",
        body: `Agents: ${DEFAULT_AGENTS.join(", ")}. Gates: implement ${gates.implement.join(", ")}; ship ${gates.ship.join(", ")}.`,
        by: `${author.name} <${author.email}>`,
      },
      paths: created,
      author,
    });
    return { root: repo.root, facts, created, kept, commit };
  });
}
