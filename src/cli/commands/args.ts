/** Shared argv handling for the command modules: `node:util` parseArgs with errors a person can act on. */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { FleetError } from "../../errors.js";

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
    const message = err instanceof Error ? (err.message.split("\n")[0] ?? err.message) : String(err);
    throw new FleetError("usage", `fleet ${name}: ${message}`, { hint, cause: err });
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
    `fleet ${name}: ${flag} must be one of ${allowed.join(", ")}, not ${JSON.stringify(value)}`,
  );
}
