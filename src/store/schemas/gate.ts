/** `.fleet/gates/<name>.md`: what a gate runs and when; the body explains it (design.md §6). */
import * as z from "zod";
import { durationSchema } from "./common.js";

/** An environment variable's name, as a shell would accept it. */
const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "must be a variable name like `NODE_ENV`" });

const base = {
  timeout: durationSchema.default(10 * 60_000),
  /** Variables set for this gate's processes, over the gate environment (docs/gates.md). */
  env: z.record(envName, z.string()).default({}),
  /** The gate's processes' network: `none` (loopback only) or `host`. Absent: host for health, none for the rest. */
  network: z.enum(["none", "host"]).optional(),
};

export const gateSchema = z.discriminatedUnion("kind", [
  /** Any command line; the repository owner's own config, so a shell is allowed. */
  z.strictObject({ kind: z.literal("command"), run: z.string().min(1), ...base }),
  /** Runs every check of `acceptance/<id>.md` with the acceptance files from the base commit. */
  z.strictObject({ kind: z.literal("acceptance"), ...base }),
  /** A reviewer agent writes `review.md` with `verdict: approve | changes`. */
  z.strictObject({ kind: z.literal("agent"), agent: z.string().min(1), ...base }),
  /** Starts the service, polls `url` (may contain `{port}`) until it answers `expect`. */
  z.strictObject({
    kind: z.literal("health"),
    start: z.string().min(1),
    url: z.string().min(1),
    expect: z.number().int().min(100).max(599).default(200),
    ready_timeout: durationSchema.default(30_000),
    ...base,
  }),
]);
export type Gate = z.infer<typeof gateSchema>;
