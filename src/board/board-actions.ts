/**
 * The person's actions on the board, each one call of the very command function the CLI runs
 * (`src/commands/<verb>.ts`): the same checks, the same single commit under the person's git identity.
 * Only parses the request body; touches nothing itself.
 */
import { answer } from "../commands/answer.js";
import { approve } from "../commands/approve.js";
import { drop } from "../commands/drop.js";
import type { ChangeResult } from "../commands/person-context.js";
import { ready } from "../commands/ready.js";
import { reject } from "../commands/reject.js";
import { retry } from "../commands/retry.js";
import { FleetError } from "../errors.js";

/** The names of the board's actions (the URL's last segment: `POST …/api/tasks/<id>/<action>`). */
export const BOARD_ACTIONS = ["approve", "reject", "answer", "ready", "retry", "drop"] as const;
export type BoardAction = (typeof BOARD_ACTIONS)[number];

/** True when `name` is one of {@link BOARD_ACTIONS}. */
export function isBoardAction(name: string): name is BoardAction {
  return (BOARD_ACTIONS as readonly string[]).includes(name);
}

function text(body: Record<string, unknown>, field: string, action: string): string {
  const value = body[field];
  if (typeof value !== "string" || value.trim() === "") {
    throw new FleetError("usage", `${action}: the request needs a non-empty "${field}"`, {
      hint: action === "approve" ? "Reload the page and approve again." : `Write the ${field} first.`,
    });
  }
  return value;
}

/**
 * Runs `action` on task `id` in the repository at `cwd`. `body` is the request's JSON: `sha256` (approve:
 * the hash shown on the page, required), `reason` (reject, drop), `answer` (answer).
 * @throws FleetError usage for a missing field, and whatever the command throws (conflict, not-found…).
 */
export async function runBoardAction(
  cwd: string,
  id: string,
  action: BoardAction,
  body: Record<string, unknown>,
): Promise<ChangeResult> {
  switch (action) {
    case "approve":
      return approve({ cwd, id, expectSha256: text(body, "sha256", action) });
    case "reject":
      return reject({ cwd, id, reason: text(body, "reason", action) });
    case "answer":
      return answer({ cwd, id, answer: text(body, "answer", action) });
    case "drop":
      return drop({ cwd, id, reason: text(body, "reason", action) });
    case "ready":
      return ready({ cwd, id });
    case "retry":
      return retry({ cwd, id });
  }
}
