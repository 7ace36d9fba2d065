/**
 * Keeps secrets out of transcripts, run records and commits. An agent CLI may echo its key (a debug
 * line, an error quoting a header, a model that prints its environment); every line we keep passes
 * through a redactor first. Two nets: the exact values of the agent's secret-looking environment
 * variables (`ANTHROPIC_API_KEY`, `*_TOKEN`, …), and the shapes of well-known provider keys.
 */

/** Variable names whose values are treated as secrets. */
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH|COOKIE|SESSION)/i;

/** Values shorter than this are not redacted by value (too likely to match ordinary text). */
const MIN_SECRET_LENGTH = 8;

/** Shapes of provider keys, redacted wherever they appear, named by what they are. */
const KEY_PATTERNS: readonly { name: string; pattern: RegExp }[] = [
  { name: "anthropic-key", pattern: /sk-ant-[A-Za-z0-9_-]{8,}/g },
  { name: "openai-key", pattern: /sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g },
  { name: "google-key", pattern: /AIza[0-9A-Za-z_-]{30,}/g },
  { name: "github-token", pattern: /gh[pousr]_[A-Za-z0-9]{30,}/g },
  { name: "bearer", pattern: /(?<=\bBearer\s+)[A-Za-z0-9._~+/=-]{16,}/gi },
];

/** A function that returns its input with every secret replaced by `[redacted:<name>]`. */
export type Redactor = (text: string) => string;

/**
 * The secret values in `env`: values of variables whose names look secret ({@link SECRET_NAME}) and
 * that are at least 8 characters long, longest first (so a value containing another is replaced whole).
 * @returns pairs of variable name and value.
 */
export function secretValues(env: Readonly<Record<string, string | undefined>>): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value && value.length >= MIN_SECRET_LENGTH && SECRET_NAME.test(name)) out.push([name, value]);
  }
  return out.sort((a, b) => b[1].length - a[1].length);
}

/**
 * A redactor for an agent run with environment `env`: replaces each secret value (see
 * {@link secretValues}) with `[redacted:<VARIABLE>]` and anything shaped like a known provider key with
 * `[redacted:<kind>]`. Pure; safe to call on any text (lines, reasons, final messages).
 */
export function makeRedactor(env: Readonly<Record<string, string | undefined>> = {}): Redactor {
  const values = secretValues(env);
  return (text: string): string => {
    let out = text;
    for (const [name, value] of values) {
      if (out.includes(value)) out = out.split(value).join(`[redacted:${name}]`);
    }
    for (const { name, pattern } of KEY_PATTERNS) {
      out = out.replace(pattern, `[redacted:${name}]`);
    }
    return out;
  };
}
