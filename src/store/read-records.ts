/**
 * Reading everything under `.fleet/` except the queue: config, agents, gates, research, plans,
 * acceptance and runs. Every file is validated; problems are collected, never thrown, so one bad file
 * never hides the others.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import type * as z from "zod";
import { isErrnoError } from "../errors.js";
import { acceptancePath, type FleetPaths, planPath, relativeToRoot, researchPath, runsDir } from "./paths.js";
import { type Loaded, type Problem, readRecordFile } from "./read-file.js";
import { type Agent, agentSchema } from "./schemas/agent.js";
import {
  type Acceptance,
  acceptanceSchema,
  type Plan,
  planSchema,
  type Research,
  researchSchema,
} from "./schemas/artifacts.js";
import { type Config, configSchema } from "./schemas/config.js";
import { type Gate, gateSchema } from "./schemas/gate.js";
import { type Run, runSchema } from "./schemas/run.js";

/** Names of `*.md` files in `dir` without the extension, sorted; [] when the folder is missing. */
export function listMarkdown(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((n) => n.endsWith(".md"))
      .map((n) => n.slice(0, -3))
      .sort();
  } catch (err) {
    if (isErrnoError(err, "ENOENT") || isErrnoError(err, "ENOTDIR")) return [];
    throw err;
  }
}

function readOne<S extends z.ZodType>(
  paths: FleetPaths,
  schema: S,
  abs: string,
  problems: Problem[],
): Loaded<z.infer<S>> | null {
  const result = readRecordFile(schema, abs, relativeToRoot(paths.root, abs));
  if (result === null) return null;
  if (!result.ok) {
    problems.push(...result.problems);
    return null;
  }
  return result.value;
}

/**
 * Reads `.fleet/config.md`. A missing file gives the defaults; an invalid one gives the defaults too,
 * with its problems in `problems` (callers that must not act on a broken config check them).
 */
export function readConfig(paths: FleetPaths, problems: Problem[] = []): Config {
  const loaded = readOne(paths, configSchema, paths.config, problems);
  return loaded?.record ?? configSchema.parse({});
}

/** Reads every `.fleet/<kind>/*.md` of a definition folder into a map by name. */
function readFolder<S extends z.ZodType>(
  paths: FleetPaths,
  dir: string,
  schema: S,
  problems: Problem[],
): Map<string, Loaded<z.infer<S>>> {
  const out = new Map<string, Loaded<z.infer<S>>>();
  for (const name of listMarkdown(dir)) {
    const loaded = readOne(paths, schema, path.join(dir, `${name}.md`), problems);
    if (loaded) out.set(name, loaded);
  }
  return out;
}

/** Every agent definition by name. */
export function readAgents(paths: FleetPaths, problems: Problem[] = []): Map<string, Loaded<Agent>> {
  return readFolder(paths, paths.agents, agentSchema, problems);
}

/** Every gate definition by name. */
export function readGates(paths: FleetPaths, problems: Problem[] = []): Map<string, Loaded<Gate>> {
  return readFolder(paths, paths.gates, gateSchema, problems);
}

/** `research/<id>.md`, or null. */
export function readResearch(
  paths: FleetPaths,
  id: string,
  problems: Problem[] = [],
): Loaded<Research> | null {
  return readOne(paths, researchSchema, researchPath(paths, id), problems);
}

/** `plans/<id>.md`, or null. */
export function readPlan(paths: FleetPaths, id: string, problems: Problem[] = []): Loaded<Plan> | null {
  return readOne(paths, planSchema, planPath(paths, id), problems);
}

/** `acceptance/<id>.md`, or null. */
export function readAcceptance(
  paths: FleetPaths,
  id: string,
  problems: Problem[] = [],
): Loaded<Acceptance> | null {
  return readOne(paths, acceptanceSchema, acceptancePath(paths, id), problems);
}

/** Every run record of task `id`, in run order. */
export function readRuns(paths: FleetPaths, id: string, problems: Problem[] = []): Loaded<Run>[] {
  const dir = runsDir(paths, id);
  const out: Loaded<Run>[] = [];
  for (const name of listMarkdown(dir)) {
    const loaded = readOne(paths, runSchema, path.join(dir, `${name}.md`), problems);
    if (loaded) out.push(loaded);
  }
  return out;
}
