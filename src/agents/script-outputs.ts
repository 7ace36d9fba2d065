/**
 * What the `script` runner writes when the script does not say: generic but valid research, plan,
 * acceptance, review and implementation, so a demo runs end to end with no model.
 */
import { readdirSync } from "node:fs";
import { stringifyFrontmatter } from "../store/frontmatter.js";
import { stripScriptBlocks } from "./script-format.js";

/** At most `max` lines of the prompt, fleet-script blocks left out, as a markdown quote. */
export function quotePrompt(prompt: string, max = 20): string {
  const lines = stripScriptBlocks(prompt)
    .split("\n")
    .filter((l) => l.trim() !== "")
    .slice(0, max);
  return lines.length ? lines.map((l) => `> ${l}`).join("\n") : "> (empty prompt)";
}

/** The top-level entries of `dir`, folders with a trailing `/`, `.git` left out, sorted. */
export function listTopLevel(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.name !== ".git")
    .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
    .sort();
}

/** `text` as is when it has its own frontmatter; otherwise `data` as frontmatter above it. */
export function withFrontmatter(text: string, data: Record<string, unknown>): string {
  return text.startsWith("---") ? text : stringifyFrontmatter(data, text);
}

export function genericResearch(taskId: string, cwd: string, prompt: string): string {
  const files = listTopLevel(cwd).map((f) => `- \`${f}\``);
  const body = [
    `# Research: ${taskId}`,
    "",
    "Scripted research (runner: script, no model read the code).",
    "",
    "## Top-level files of the checkout",
    "",
    ...(files.length ? files : ["(none)"]),
    "",
    "## The task as given",
    "",
    quotePrompt(prompt),
    "",
  ].join("\n");
  return stringifyFrontmatter({ task: taskId }, body);
}

export function genericPlan(taskId: string, prompt: string): string {
  const body = [
    `# Plan: ${taskId}`,
    "",
    "Scripted plan (runner: script, no model).",
    "",
    "1. Make the change the task asks for.",
    "2. Check it with the acceptance checks.",
    "",
    "## The task as given",
    "",
    quotePrompt(prompt),
    "",
  ].join("\n");
  return stringifyFrontmatter({ task: taskId }, body);
}

export function acceptanceFile(taskId: string, checks: unknown[]): string {
  return stringifyFrontmatter({ task: taskId, checks }, "Acceptance checks written by the script runner.\n");
}

/**
 * The generic acceptance: one check that runs a file of its own `acceptance/` folder and fails until
 * the generic implementation (see {@link genericImplementation}) is in place — a check that is red on
 * the base commit and not weak (docs/gates.md "acceptance hygiene").
 */
export function genericAcceptance(taskId: string): { text: string; files: Record<string, string> } {
  const [file] = genericImplementation(taskId, 1);
  const text = acceptanceFile(taskId, [
    { id: "AC1", says: "the scripted change is in place", run: `sh .fleet/acceptance/${taskId}/check.sh` },
  ]);
  return { text, files: { "check.sh": `test -f ${file}\n` } };
}

export function reviewFile(verdict: "approve" | "changes", body: string | undefined): string {
  const text =
    body ??
    (verdict === "approve"
      ? "Scripted review: approved without reading.\n"
      : "Scripted review: changes wanted.\n");
  return withFrontmatter(text, { verdict });
}

/** The file a generic implement attempt writes: `scripted/<id>.md`, one line per attempt's content. */
export function genericImplementation(taskId: string, attempt: number): [string, string] {
  return [`scripted/${taskId}.md`, `# ${taskId}\n\nScripted change, attempt ${attempt}.\n`];
}
