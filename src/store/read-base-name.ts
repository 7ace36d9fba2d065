/**
 * The base branch's name from `.fleet/config.md`, for read commands that must stay fast (`fleet ls`
 * loads neither the YAML parser nor the schemas): a top-level `base:` line of the frontmatter with a
 * plain or quoted value. Anything else — no file, no such line, a value this reading does not
 * understand — gives the default, `main`, the same default as the config schema.
 */
import { readFileSync } from "node:fs";
import type { FleetPaths } from "./paths.js";

/** The `base:` of config.md's frontmatter, or `main`. Never throws. */
export function readBaseName(paths: FleetPaths): string {
  let text: string;
  try {
    text = readFileSync(paths.config, "utf8");
  } catch {
    return "main";
  }
  const front = /^---\r?\n([\s\S]*?)\r?\n---(?:\r?\n|$)/.exec(text)?.[1] ?? "";
  const value = /^base:[ \t]*(?:"([^"\\\n]+)"|'([^'\n]+)'|([^\s#"'][^\s#]*))[ \t]*(?:#.*)?$/m.exec(front);
  return value?.[1] ?? value?.[2] ?? value?.[3] ?? "main";
}
