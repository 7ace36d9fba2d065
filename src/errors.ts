/**
 * The few named errors gitfleet throws. Each carries a stable `code` (used by the CLI to pick an exit
 * code and by tests to tell failures apart), a one-sentence message a person can act on, and the
 * foreign error it came from as `cause`.
 */

/** Codes of {@link FleetError}; the CLI maps them to exit codes (see `src/cli/exit-codes.ts`). */
export type FleetErrorCode =
  | "usage" // the command line was wrong
  | "not-found" // a task, file or agent named by the person does not exist
  | "invalid" // a file or value does not validate
  | "conflict" // the state does not allow this now (e.g. nothing to approve)
  | "locked" // another process holds the lock
  | "git" // git refused or failed
  | "not-initialized"; // no .fleet/ here

/** An error a person can act on: what went wrong, where, and how to fix it, in `message`. */
export class FleetError extends Error {
  readonly code: FleetErrorCode;
  /** Optional hint printed on its own line after the message ("Run `fleet init` first."). */
  readonly hint: string | undefined;

  constructor(code: FleetErrorCode, message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "FleetError";
    this.code = code;
    this.hint = options.hint;
  }
}

/** True when `err` is a Node system error with the given `code` (e.g. "ENOENT"). */
export function isErrnoError(err: unknown, code: string): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === code;
}
