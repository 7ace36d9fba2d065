/**
 * `config.md` `notify:` — how a person hears about what needs them. Three forms, alone or in a list:
 * an argv (`["./tools/ping.sh"]`, run with the event as JSON on stdin; never through a shell),
 * `{ command: [...] }`, `{ desktop: true }` (notify-send / osascript), `{ url: "https://…" }` (a webhook
 * POSTed the event as JSON, with a `text` field chat tools show). `events:` limits a target to some kinds.
 */
import * as z from "zod";

/** The events a person is notified of. */
export const NOTIFY_EVENTS = [
  "awaiting-approval",
  "awaiting-merge",
  "question",
  "blocked",
  "failed",
  "shipped",
  "budget",
] as const;
export type NotifyEventKind = (typeof NOTIFY_EVENTS)[number];

const argv = z.array(z.string().min(1)).min(1, { error: "needs the program to run, e.g. [./tools/ping.sh]" });

const targetSchema = z
  .strictObject({
    command: argv.optional(),
    desktop: z.boolean().optional(),
    url: z
      .string()
      .regex(/^https?:\/\/\S+$/, { error: "must be an http:// or https:// URL" })
      .optional(),
    events: z.array(z.enum(NOTIFY_EVENTS)).optional(),
  })
  .refine((t) => [t.command, t.desktop, t.url].filter((x) => x !== undefined).length === 1, {
    error: "give exactly one of command, desktop or url",
  });

/** One place to send notifications to. `events` undefined = every kind. */
export type NotifyTarget = z.infer<typeof targetSchema>;

/** `notify:` as written (null, an argv, a target or a list of targets), read as a list of targets. */
export const notifySchema = z
  .union([z.null(), argv, targetSchema, z.array(targetSchema)])
  .default(null)
  .transform((v): NotifyTarget[] => {
    if (v === null) return [];
    if (Array.isArray(v))
      return v.every((x) => typeof x === "string") ? [{ command: v as string[] }] : (v as NotifyTarget[]);
    return [v];
  });
