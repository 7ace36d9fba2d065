/** The tasks that wait for a person, with what each waits for (`fleet run` ends with them). */
import { describeState } from "../lifecycle/person-actions.js";
import { type YourTurn, yourTurn } from "../lifecycle/your-turn.js";
import { readTasks } from "../store/read-tasks.js";
import { locateFleet } from "./locate.js";

/** A task that waits for a person. */
export interface Waiting {
  id: string;
  /** `plan / awaiting-approval` */
  state: string;
  turn: YourTurn;
}

/** Every task of the repository at `cwd` that waits for a person, in id order. */
export function waitingForYou(cwd: string): Waiting[] {
  const { paths } = locateFleet(cwd);
  const out: Waiting[] = [];
  for (const { record } of readTasks(paths).tasks.values()) {
    const turn = yourTurn(record);
    if (turn) out.push({ id: record.id, state: describeState(record), turn });
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
