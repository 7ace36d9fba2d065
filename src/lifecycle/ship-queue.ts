/**
 * The merge queue as a scheduling rule, for {@link decide}: ships exclude each other, so at most one
 * ship (or one batch of ships) runs at a time. A ship that would have to wait for another is not
 * started — it stays `ship / ready` with a reason — so it never holds a `concurrency` slot while it
 * waits. Ships are taken in decide's order (priority, then age, then id).
 *
 * With `ship.batch: N` (N > 1) the first ship started in a decision leads a batch: up to N − 1 more
 * ready ships join it, in the same order, as long as nothing else holds them back (their `touches`
 * must not overlap the batch's or anything running — decide checks that as for any start). The batch
 * holds one slot, the leader's: the riders' gates are the leader's run.
 * Pure: no I/O, no clock.
 */
import type { Task } from "../store/schemas/task.js";

/** The queue's state within one decision. */
export interface ShipQueue {
  /** True when a batch leader was started in this decision and has room for one more ship. */
  hasRoom(): boolean;
  /** Why a ready ship must wait for the queue, or null when it may start (or join the batch). */
  whyWait(): string | null;
  /** Records `taskId` as the ship started now: it leads the batch. */
  lead(taskId: string): void;
  /** Adds `taskId` to the batch of the leader started now. */
  join(taskId: string): void;
  /** The ids that ride with the leader (empty without a batch). */
  riders(): string[];
}

/**
 * The queue for one decision. `occupied` are the tasks holding a live claim; a task among them in
 * phase `ship` is a ship under way. `batch` is the most ships one run may take (≥ 1; 1 = no batching).
 */
export function shipQueue(occupied: readonly Task[], batch: number): ShipQueue {
  const shipping = occupied.find((t) => t.phase === "ship");
  let leader: string | null = null;
  const riders: string[] = [];
  const room = () => leader !== null && riders.length + 1 < batch;
  return {
    hasRoom: room,
    whyWait() {
      if (shipping) return `one ship at a time: ${shipping.id} is shipping`;
      if (leader !== null && !room())
        return batch > 1
          ? `one ship at a time: the batch of ${leader} is full (ship.batch: ${batch})`
          : `one ship at a time: ${leader} ships first`;
      return null;
    },
    lead(taskId) {
      leader = taskId;
    },
    join(taskId) {
      riders.push(taskId);
    },
    riders: () => [...riders],
  };
}
