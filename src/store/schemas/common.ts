/** Building blocks shared by the record schemas: phases, statuses, durations, timestamps, cost. */
import * as z from "zod";
import { ID_PATTERN } from "../ids.js";

import { PHASES, STATUSES } from "../phases.js";

export {
  nowTimestamp,
  PHASES,
  type Phase,
  STATUSES,
  type Status,
  WORK_PHASES,
  type WorkPhase,
} from "../phases.js";

export const idSchema = z.string().regex(ID_PATTERN, { error: `must match ${ID_PATTERN.source}` });
export const phaseSchema = z.enum(PHASES);
export const statusSchema = z.enum(STATUSES);

/** An ISO-8601 UTC timestamp as written by gitfleet, e.g. `2026-11-21T03:12:09Z`. Kept as a string. */
export const timestampSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/, {
    error: "must be an ISO-8601 date or time, e.g. 2026-11-21T03:12:09Z",
  });

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a human duration ("500ms", "30s", "5m", "2h", "1d"; a bare number is seconds) into milliseconds.
 * @returns milliseconds, or `undefined` if `text` is not a duration.
 */
export function parseDuration(text: string | number): number | undefined {
  if (typeof text === "number") return Number.isFinite(text) && text >= 0 ? text * 1000 : undefined;
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * (UNIT_MS[m[2] ?? "s"] ?? 1000));
}

/** A duration field: accepts "30s"-style text or seconds, yields milliseconds. */
export const durationSchema = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === undefined) {
    ctx.addIssue({ code: "custom", message: `"${value}" is not a duration: use e.g. 500ms, 30s, 5m, 2h` });
    return z.NEVER;
  }
  return ms;
});

/** Money and tokens spent. `usd` in US dollars; tokens as the provider counts them; null = not reported. */
export const costSchema = z.object({
  usd: z.number().nonnegative().nullable().default(null),
  input_tokens: z.number().int().nonnegative().nullable().default(null),
  output_tokens: z.number().int().nonnegative().nullable().default(null),
});
export type Cost = z.infer<typeof costSchema>;
