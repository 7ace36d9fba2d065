/** The "your turn" list that ends `fleet run`: each task, what it waits for, the commands. */
import type { Waiting } from "../../commands/waiting.js";

/** `Your turn — 2 tasks wait for you:` then per task its state, what it waits for and the commands. */
export function yourTurnLines(waiting: readonly Waiting[]): string[] {
  if (waiting.length === 0) return [];
  const n = waiting.length;
  const out = ["", `Your turn — ${n} task${n === 1 ? " waits" : "s wait"} for you:`];
  for (const w of waiting)
    out.push(`  ${w.id}  (${w.state}) ${w.turn.waitsFor}`, `    ${w.turn.commands.join("   ")}`);
  return out;
}
