/** The "waiting for you" list that ends `fleet run` and `fleet watch`: each task, what it waits for, the command. */
import { locateFleet } from "../../commands/locate.js";
import { describeState } from "../../lifecycle/person-actions.js";
import { type YourTurn, yourTurn } from "../../lifecycle/your-turn.js";
import { readTasks } from "../../store/read-tasks.js";

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

/** `Your turn — 2 tasks wait for you:` then per task its state, what it waits for and the commands. */
export function yourTurnLines(waiting: readonly Waiting[]): string[] {
  if (waiting.length === 0) return [];
  const n = waiting.length;
  const out = ["", `Your turn — ${n} task${n === 1 ? " waits" : "s wait"} for you:`];
  for (const w of waiting)
    out.push(`  ${w.id}  (${w.state}) ${w.turn.waitsFor}`, `    ${w.turn.commands.join("   ")}`);
  return out;
}
