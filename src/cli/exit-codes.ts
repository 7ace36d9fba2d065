/**
 * Exit codes are a contract (documented in `fleet --help` and the README):
 * 0 success · 1 the command ran and found problems (doctor, a failed or stopped task) ·
 * 2 usage error · 3 not found (no repository, no `.fleet/`, no such task) · 4 the state does not allow
 * this now (nothing to approve) · 5 another process holds the lock (a daemon already runs) ·
 * 6 git failed · 7 `fleet run --until-idle` ended with tasks waiting for a person (a plan to
 * approve, a question, a problem to fix, no attempts left) · 70 internal error (a bug: please report it).
 */
import type { FleetErrorCode } from "../errors.js";

export const EXIT = {
  ok: 0,
  problems: 1,
  usage: 2,
  notFound: 3,
  conflict: 4,
  locked: 5,
  git: 6,
  /** `fleet run --until-idle`: nothing left the fleet can do, and tasks wait for a person. */
  yourTurn: 7,
  internal: 70,
} as const;

/** The exit code for a {@link FleetError} code. */
export function exitCodeFor(code: FleetErrorCode): number {
  switch (code) {
    case "usage":
      return EXIT.usage;
    case "not-found":
    case "not-initialized":
      return EXIT.notFound;
    case "conflict":
      return EXIT.conflict;
    case "locked":
      return EXIT.locked;
    case "git":
      return EXIT.git;
    case "invalid":
      return EXIT.problems;
  }
}
