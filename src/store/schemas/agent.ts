/** `.fleet/agents/<name>.md`: how to run an agent; the body is its role prompt (design.md §6). */
import * as z from "zod";
import { durationSchema } from "./common.js";

export const RUNNERS = ["claude-code", "codex", "gemini", "aider", "command", "script"] as const;
export type RunnerName = (typeof RUNNERS)[number];

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const agentSchema = z
  .strictObject({
    runner: z.enum(RUNNERS),
    /** argv for `runner: command`; never run through a shell. */
    command: z.array(z.string().min(1)).min(1).optional(),
    /** Passed to runners that take one. */
    model: z.string().nullable().default(null),
    /** Wall clock per attempt, ms. */
    timeout: durationSchema.default(20 * 60_000),
    /** No output for this long means hung, ms. */
    idle_timeout: durationSchema.default(5 * 60_000),
    /** The only variables passed through, beside PATH, HOME and LANG. */
    env: z.array(z.string().regex(ENV_NAME, { error: "must be an environment variable name" })).default([]),
    /** Turn limit for runners that take one. */
    max_turns: z.number().int().positive().nullable().default(null),
    /**
     * `none`: a network namespace of its own (loopback only); `host`: the machine's network. Absent =
     * none for `command` and `script`, host for the model CLIs (they must reach their API).
     */
    network: z.enum(["none", "host"]).optional(),
    /** For `runner: script`: the name of the built-in script to play. */
    script: z.string().nullable().default(null),
  })
  .superRefine((agent, ctx) => {
    if (agent.runner === "command" && !agent.command) {
      ctx.addIssue({ code: "custom", path: ["command"], message: "is required when runner is command" });
    }
  });
export type Agent = z.infer<typeof agentSchema>;
