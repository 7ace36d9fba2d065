/** Shared argv handling for the command modules: `node:util` parseArgs with errors a person can act on. */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { FleetError } from "../../errors.js";
import { didYouMean } from "../../suggest.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses `argv` for command `name` with `options`, expecting between `min` and `max` positionals.
 * @throws FleetError("usage") naming the problem, with a hint to run `fleet <name> --help`.
 */
export function parseCommand<O extends Options>(
  name: string,
  argv: string[],
  options: O,
  positionals: { min: number; max: number; names: string },
) {
  const hint = `Run \`fleet ${name} --help\` for usage.`;
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
  >;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new FleetError("usage", `fleet ${name}: ${parseErrorText(err, options)}`, { hint, cause: err });
  }
  const n = parsed.positionals.length;
  if (n < positionals.min)
    throw new FleetError("usage", `fleet ${name}: missing ${positionals.names}`, { hint });
  if (n > positionals.max) {
    throw new FleetError(
      "usage",
      `fleet ${name}: unexpected argument ${JSON.stringify(parsed.positionals[positionals.max])}`,
      {
        hint: `${hint} (Quote text with spaces: "like this".)`,
      },
    );
  }
  return parsed;
}

/** Every spelling of the options: `--json`, `-n`. */
function flagNames(options: Options): string[] {
  const out: string[] = [];
  for (const [long, o] of Object.entries(options)) {
    out.push(`--${long}`);
    if (o.short) out.push(`-${o.short}`);
  }
  return out;
}

/**
 * One sentence for a parseArgs error, in our words (its own text tells a person to write `-- "--jsn"`):
 * an unknown flag with the closest known ones; a flag missing its value; a value given to a switch.
 */
function parseErrorText(err: unknown, options: Options): string {
  const e = err as { code?: string; message?: string };
  const message = e.message ?? String(err);
  const flag = /'[^']*?(--[A-Za-z0-9][\w-]*)/.exec(message)?.[1] ?? /'(-[A-Za-z0-9])/.exec(message)?.[1];
  switch (e.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option ${flag ?? message}.${flag ? didYouMean(flag, flagNames(options)) : ""}`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return /argument missing/.test(message)
        ? `${flag ?? "an option"} needs a value`
        : `${flag ?? "an option"} takes no value`;
    default:
      return message.split("\n")[0] ?? message;
  }
}

/**
 * An integer option value in [min, max].
 * @throws FleetError("usage") otherwise.
 */
export function intOption(name: string, flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
    throw new FleetError(
      "usage",
      `fleet ${name}: ${flag} must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/**
 * `value` if it is one of `allowed`.
 * @throws FleetError("usage") listing the allowed values otherwise.
 */
export function oneOf<T extends string>(name: string, flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new FleetError(
    "usage",
    `fleet ${name}: ${flag} must be one of ${allowed.join(", ")}, not ${JSON.stringify(value)}.${didYouMean(value, allowed)}`,
  );
}
