/**
 * The approval hash binds a person's `fleet approve` to the exact content they read (design.md §2).
 *
 * It is a sha256 (hex) over these inputs, sorted by path (plain string order), each fed as
 * `path \0 content \0`:
 * - `.fleet/plans/<id>.md`: its frontmatter without `approval`, `rejection` and `ship_approval` (what
 *   people write about the plan is not the plan) and without keys whose value is null, as JSON with sorted
 *   keys, then `\n---\n`, then the markdown body byte for byte;
 * - `.fleet/acceptance/<id>.md`: the same canonical form of its whole frontmatter, plus its body;
 * - every file under `.fleet/acceptance/<id>/`: its raw bytes;
 * - every file under `.fleet/plans/<id>/` (the child tasks of a fanned-out plan,
 *   `children/<slug>.md`): its raw bytes — the person approves the decomposition with the plan.
 * Re-formatting the YAML (key order, quoting, `x: null` vs. no `x`) keeps an approval; any change to a
 * value, a body, a check file or a child file voids it. Pure: the caller reads the files.
 */
import { createHash } from "node:crypto";

/** Frontmatter fields a person writes about a plan; they are not part of what is approved. */
export const APPROVAL_FIELDS: readonly string[] = ["approval", "rejection", "ship_approval"];

/** One input of the hash: a path relative to the repository root (forward slashes) and its content. */
export interface HashInput {
  path: string;
  content: string | Uint8Array;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort())
      out[key] = canonical((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/**
 * The hashed form of a record file: canonical JSON of `frontmatter` (keys sorted at every level; top-level
 * keys in `omit` or with a null value left out), `\n---\n`, then `body` unchanged.
 */
export function recordHashContent(
  frontmatter: Record<string, unknown>,
  body: string,
  omit: readonly string[] = [],
): string {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(frontmatter)) {
    if (value === null || value === undefined || omit.includes(key)) continue;
    kept[key] = value;
  }
  return `${JSON.stringify(canonical(kept))}\n---\n${body}`;
}

/** sha256 (lowercase hex, 64 characters) over `inputs` in path order, each as `path\0content\0`. */
export function approvalHash(inputs: readonly HashInput[]): string {
  const hash = createHash("sha256");
  const sorted = [...inputs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const input of sorted) {
    hash.update(input.path);
    hash.update("\0");
    hash.update(input.content);
    hash.update("\0");
  }
  return hash.digest("hex");
}

/** Whether a recorded approval still holds: `none` (never approved), `valid`, or `voided` by a change since. */
export type ApprovalState = "none" | "valid" | "voided";

/** Compares a recorded approval (or null) with the hash of the current content. */
export function approvalState(
  recorded: { sha256: string } | null | undefined,
  current: string,
): ApprovalState {
  if (!recorded) return "none";
  return recorded.sha256 === current ? "valid" : "voided";
}
