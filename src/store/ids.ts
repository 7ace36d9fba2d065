/**
 * Task ids. A hand-written id must match {@link ID_PATTERN}; a generated one is a slug of the title plus
 * a random base-36 suffix, so two machines or branches never mint the same id (design.md §1).
 */
import { randomBytes } from "node:crypto";
import { FleetError } from "../errors.js";

/** What every task id matches: lowercase letters, digits and dashes, 1–63 characters. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** True when `id` is a valid task id (and therefore safe to join onto a path). */
export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/**
 * Returns `id` unchanged if it is a valid task id; otherwise throws before it can reach a path.
 * Refuses `..`, `/`, `\`, absolute paths, NUL and anything else outside {@link ID_PATTERN}.
 * @throws FleetError("invalid") naming the id and the pattern.
 */
export function assertValidId(id: string, what = "task id"): string {
  if (!isValidId(id)) {
    const shown = JSON.stringify(id.length > 80 ? `${id.slice(0, 80)}…` : id);
    throw new FleetError("invalid", `${what} ${shown} is not valid: ids match ${ID_PATTERN.source}`, {
      hint: "Use lowercase letters, digits and dashes, starting with a letter or digit (at most 63).",
    });
  }
  return id;
}

/** Lowercase ASCII slug of `title`: words joined by `-`, at most `max` characters, never empty. */
export function slugify(title: string, max = 40): string {
  const slug = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, max)
    .replace(/-+$/g, "");
  return slug === "" ? "task" : slug;
}

/**
 * Mints a new id: `slugify(title)` plus `-` and 4 random base-36 characters (≈ 1.7 million values),
 * e.g. `rate-limit-the-public-api-7k2q`. Retry with `taken` to avoid an id already on disk.
 */
export function generateId(title: string, taken: (id: string) => boolean = () => false): string {
  for (;;) {
    const bytes = randomBytes(4);
    let suffix = "";
    for (const b of bytes) suffix += (b % 36).toString(36);
    const id = `${slugify(title)}-${suffix}`;
    if (!taken(id)) return id;
  }
}
