/**
 * The `fleet-script` format read by the `script` runner (docs/agents.md): a fenced ```` ```fleet-script ````
 * YAML block in the task body saying, per phase, what the scripted agent writes, asks, prints and exits.
 *
 * ```yaml
 * research: "# Findings\n…"            # a string: the phase's main output (research.md / plan.md / review.md)
 * plan:                                # one step (an object) …
 *   output: "# Plan\n…"
 *   acceptance: { checks: [{ id: AC1, says: "…", run: "node --test …" }], files: { a.test.mjs: "…" } }
 * implement:                           # … or a list of steps; the first that matches the attempt is played
 *   - { attempt: 1, write: { src/a.js: "broken" } }
 *   - { write: { src/a.js: "fixed" } }
 * review: { verdict: approve }
 * ```
 */
import path from "node:path";
import * as z from "zod";
import { parseFrontmatter } from "../store/frontmatter.js";
import { durationSchema } from "../store/schemas/common.js";

/** The phases a script can speak for. */
export const SCRIPT_PHASES = ["research", "plan", "implement", "review"] as const;
export type ScriptPhase = (typeof SCRIPT_PHASES)[number];

/**
 * True when `rel` is a relative path that stays inside the folder it is joined to: not absolute, no
 * `..` or empty segment, no backslash or NUL, and not inside `.git`.
 */
export function isSafeRelativePath(rel: string): boolean {
  if (rel === "" || path.isAbsolute(rel) || /[\\\0]/.test(rel)) return false;
  const parts = rel.split("/");
  if (parts.some((p) => p === ".." || p === "")) return false;
  return parts.find((p) => p !== ".") !== ".git";
}

const UNSAFE = "must be a relative path inside the working directory (no leading /, no .., not .git)";
const fileMap = z.record(z.string(), z.string());

const stepSchema = z
  .strictObject({
    /** Play this step only on this attempt (1-based). */
    attempt: z.number().int().positive().optional(),
    /** Play this step only when the prompt contains this text (e.g. a rejection's words). */
    when: z.string().min(1).optional(),
    /** Printed to the transcript; its last line is the reason of a failed exit. */
    say: z.string().optional(),
    /** The phase's main file (research.md, plan.md, review.md); null = write none. */
    output: z.string().nullable().optional(),
    /** plan: acceptance.md as text, or its checks and the files of `acceptance/`. */
    acceptance: z
      .union([z.string(), z.strictObject({ checks: z.array(z.unknown()), files: fileMap.optional() })])
      .optional(),
    /** review: the verdict written into review.md. */
    verdict: z.enum(["approve", "changes"]).optional(),
    /** Files to write in the working directory (the worktree, in implement). */
    write: fileMap.optional(),
    /** Files to delete in the working directory. */
    delete: z.array(z.string()).optional(),
    /** Extra files to write into the output directory. */
    files: fileMap.optional(),
    /** Ask a person: writes question.md instead of the outputs (once per task, phase and question). */
    question: z.string().min(1).optional(),
    /** Wait this long first ("2s"); the agent's limits and the abort signal apply. */
    sleep: durationSchema.optional(),
    /** Exit code: 0 finished, 75 try later, other failed. Default 0. */
    exit: z.number().int().min(0).max(255).optional(),
  })
  .superRefine((step, ctx) => {
    const check = (rel: string, at: (string | number)[]) => {
      if (!isSafeRelativePath(rel)) ctx.addIssue({ code: "custom", path: at, message: `"${rel}" ${UNSAFE}` });
    };
    for (const key of ["write", "files"] as const)
      for (const rel of Object.keys(step[key] ?? {})) check(rel, [key, rel]);
    for (const [i, rel] of (step.delete ?? []).entries()) check(rel, ["delete", i]);
    if (typeof step.acceptance === "object")
      for (const rel of Object.keys(step.acceptance.files ?? {})) check(rel, ["acceptance", "files", rel]);
  });
export type ScriptStep = z.infer<typeof stepSchema>;

/** A phase's value: a string (its output), one step, or a list of steps — always read as a list. */
const phaseSchema = z.preprocess(
  (value) => (typeof value === "string" ? [{ output: value }] : Array.isArray(value) ? value : [value]),
  z.array(stepSchema),
);

export const fleetScriptSchema = z.strictObject({
  research: phaseSchema.optional(),
  plan: phaseSchema.optional(),
  implement: phaseSchema.optional(),
  review: phaseSchema.optional(),
});
/** A parsed script: the steps of each phase it speaks for. */
export type FleetScript = Partial<Record<ScriptPhase, ScriptStep[]>>;

/** A block that is not valid YAML or not a valid script; `message` lists every problem. */
export class ScriptFormatError extends Error {
  override name = "ScriptFormatError";
}

const BLOCK = /^([ \t]{0,3})(`{3,}|~{3,})[ \t]*fleet-script[ \t]*\r?\n([\s\S]*?)^[ \t]{0,3}\2[ \t]*$/gm;

/** The YAML text of every ```` ```fleet-script ```` block in `text`, in order. */
export function findScriptBlocks(text: string): string[] {
  return [...text.matchAll(BLOCK)].map((m) => m[3] ?? "");
}

/** Parses one block's YAML. @throws ScriptFormatError naming every problem. */
export function parseScriptBlock(yamlText: string): FleetScript {
  let data: unknown;
  try {
    // frontmatter.ts owns YAML parsing (one module owns the format); a block is parsed as a frontmatter.
    data = parseFrontmatter(`---\n${yamlText}\n---\n`).data;
  } catch (err) {
    throw new ScriptFormatError(`not valid YAML: ${(err as Error).message}`);
  }
  const parsed = fleetScriptSchema.safeParse(data);
  if (!parsed.success) throw new ScriptFormatError(oneLine(parsed.error));
  return parsed.data;
}

/** Every issue of `err` on one line: `implement[0].write["../x"]: must be …; plan: …`. */
function oneLine(err: z.ZodError): string {
  const where = (p: PropertyKey[]) =>
    p
      .map((k, i) =>
        typeof k === "number"
          ? `[${k}]`
          : /^[A-Za-z_]\w*$/.test(String(k))
            ? `${i ? "." : ""}${String(k)}`
            : `[${JSON.stringify(String(k))}]`,
      )
      .join("");
  return err.issues
    .map((issue) => (issue.path.length ? `${where(issue.path)}: ${issue.message}` : issue.message))
    .join("; ");
}

/**
 * The script in `prompt`: every fleet-script block, later blocks replacing earlier ones phase by phase
 * (the task body comes after the role prompt, so a task can override its agent's script).
 * @param base a script to start from (a built-in preset).
 * @throws ScriptFormatError for the first invalid block, saying which one.
 */
export function readScript(prompt: string, base: FleetScript = {}): FleetScript {
  const script: FleetScript = { ...base };
  findScriptBlocks(prompt).forEach((block, i) => {
    try {
      Object.assign(script, parseScriptBlock(block));
    } catch (err) {
      const which = `fleet-script block ${i + 1}`;
      throw new ScriptFormatError(`${which} is invalid: ${(err as Error).message}`);
    }
  });
  return script;
}

/**
 * The step to play: the first whose `attempt` matches and whose `when` text occurs in the prompt outside
 * the fleet-script blocks; undefined when none does (generic behaviour).
 */
export function pickStep(
  steps: ScriptStep[] | undefined,
  attempt: number,
  prompt: string,
): ScriptStep | undefined {
  const text = stripScriptBlocks(prompt);
  return steps?.find(
    (s) =>
      (s.attempt === undefined || s.attempt === attempt) && (s.when === undefined || text.includes(s.when)),
  );
}

/** `text` without its fleet-script blocks (fences included). */
export function stripScriptBlocks(text: string): string {
  return text.replace(BLOCK, "");
}

/** Built-in scripts an agent file can name with `script:`; a task's own block still overrides them. */
export const SCRIPT_PRESETS: Record<string, FleetScript> = {
  /** Valid generic outputs in every phase. */
  generic: {},
  /** Every phase fails with exit 1. */
  fail: Object.fromEntries(
    SCRIPT_PHASES.map((p) => [p, [{ output: null, say: `scripted failure in ${p}`, exit: 1 }]]),
  ),
  /** Every phase asks to try later (exit 75). */
  "try-later": Object.fromEntries(SCRIPT_PHASES.map((p) => [p, [{ say: "scripted usage limit", exit: 75 }]])),
  /** Research asks a person a question once, then goes on generically. */
  ask: { research: [{ question: "Scripted question: which behaviour do you want here?" }] },
};
