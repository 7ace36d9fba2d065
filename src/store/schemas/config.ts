/** `.fleet/config.md`: every field has a default, so an empty file is valid (design.md §6). */
import * as z from "zod";
import { durationSchema } from "./common.js";
import { notifySchema } from "./notify.js";

const nameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { error: "must be a file name like `planner`" });

/** Prices for turning tokens into dollars, per million tokens (USD), keyed by model name. */
const priceSchema = z.strictObject({
  input_per_mtok: z.number().nonnegative(),
  output_per_mtok: z.number().nonnegative(),
});

/** `review.tests` when config.md does not set it. */
export const DEFAULT_TEST_PATTERNS: readonly string[] = [
  "test/**",
  "tests/**",
  "spec/**",
  "**/__tests__/**",
  "**/*.test.*",
  "**/*.spec.*",
  "**/test_*.py",
  "**/*_test.py",
  "**/*_test.go",
];

export const configSchema = z.strictObject({
  /** The branch work ships to. */
  base: z.string().min(1).default("main"),
  /** Agents running at once. */
  concurrency: z.number().int().min(1).max(64).default(2),
  /** Attempts per phase before `status: failed`. */
  max_attempts: z.number().int().min(1).max(100).default(3),
  /** Level-triggered reconcile interval, in ms. */
  rescan: durationSchema.default(30_000),
  /**
   * A git remote's name (`git remote`): the base branch and all fleet state live there, claims are
   * refs on it, and every machine's daemon works on its own clone (README "The remote"). null: this
   * clone only.
   */
  remote: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, "a remote name such as origin")
    .nullable()
    .default(null),
  /** How long a claim on the remote holds without renewal, in ms; it is renewed every third of that. */
  lease: durationSchema.default(60_000),
  /** Run once in every fresh checkout the fleet makes (a shell command line: the owner's own config). */
  setup: z.string().nullable().default(null),
  agents: z
    .strictObject({
      research: nameSchema.default("researcher"),
      plan: nameSchema.default("planner"),
      implement: nameSchema.default("implementer"),
      review: nameSchema.default("reviewer"),
    })
    .default({ research: "researcher", plan: "planner", implement: "implementer", review: "reviewer" }),
  gates: z
    .strictObject({
      implement: z.array(nameSchema).default(["build", "test", "acceptance"]),
      ship: z.array(nameSchema).default(["test", "acceptance"]),
    })
    .default({ implement: ["build", "test", "acceptance"], ship: ["test", "acceptance"] }),
  review: z
    .strictObject({
      plan: z.enum(["person", "auto"]).default("person"),
      /**
       * The plans of child tasks made by fan-out: `person` (default) approves each like any plan; `auto`
       * lets a child implement as soon as its plan is proposed (the decomposition itself was approved).
       */
      children: z.enum(["person", "auto"]).default("person"),
      ship: z
        .strictObject({
          files_over: z.number().int().positive().nullable().default(null),
          paths: z.array(z.string()).default([]),
        })
        .default({ files_over: null, paths: [] }),
      /**
       * Globs of test files: a change that modifies or deletes one (or a test script of a package.json,
       * or a file a gate runs) waits for `fleet approve` before ship. `[]`: only scripts and gate files.
       */
      tests: z.array(z.string()).default([...DEFAULT_TEST_PATTERNS]),
    })
    .default({
      plan: "person",
      children: "person",
      ship: { files_over: null, paths: [] },
      tests: [...DEFAULT_TEST_PATTERNS],
    }),
  /** A change touching these globs is rejected, like `.fleet/`. */
  protected: z.array(z.string()).default([]),
  /**
   * How a gated change lands. `mode: push` (default): the base branch advances. `mode: branch`: the
   * squashed change is pushed as `fleet/<id>` (to `remote:`, or left in this clone when it is null) and the task waits at
   * `ship / awaiting-merge` until the base holds it. `open_pr`: with `mode: branch` and a remote, open a
   * pull request with the GitHub CLI (`gh`) when it is installed and logged in. `batch`: up to this
   * many gated changes whose `touches` do not overlap are stacked onto the base branch together and
   * judged by one run of the ship gates; a failing batch is bisected (docs/gates.md "The merge
   * queue"). 1 = one change at a time (and always with a remote or with `mode: branch`).
   */
  ship: z
    .strictObject({
      mode: z.enum(["push", "branch"]).default("push"),
      open_pr: z.boolean().default(false),
      batch: z.number().int().min(1).max(32).default(1),
    })
    .default({ mode: "push", open_pr: false, batch: 1 }),
  /** Spending limits in USD; null = no limit. */
  budgets: z
    .strictObject({
      per_attempt_usd: z.number().positive().nullable().default(null),
      per_task_usd: z.number().positive().nullable().default(null),
      per_day_usd: z.number().positive().nullable().default(null),
    })
    .default({ per_attempt_usd: null, per_task_usd: null, per_day_usd: null }),
  prices: z.record(z.string(), priceSchema).default({}),
  /**
   * `bwrap`: every agent and gate runs in a bubblewrap sandbox, and none runs where it cannot be made.
   * `off`: they run uncontained (every run record says so). See docs/security.md.
   */
  sandbox: z.enum(["bwrap", "off"]).default("bwrap"),
  /** Where person-facing events go (see `./notify.ts`); `[]` when not set. */
  notify: notifySchema,
  /**
   * `file`: where the daemon writes the morning report (markdown) after each drain — a path relative to
   * the repository root (outside `.fleet/` and `.git/`) or absolute; null = not written.
   */
  report: z.strictObject({ file: z.string().min(1).nullable().default(null) }).default({ file: null }),
  /** Transcripts and gate logs: each log file keeps a head and a tail within `max_bytes` (default 4 MiB). */
  logs: z
    .strictObject({
      max_bytes: z
        .number()
        .int()
        .min(4096)
        .default(4 * 1024 * 1024),
    })
    .default({ max_bytes: 4 * 1024 * 1024 }),
});
export type Config = z.infer<typeof configSchema>;
