/**
 * One batch of ships run as several jobs (`ship.batch`): each member is claimed, recorded and landed
 * on its own — its own epoch, run record and audit commit — while their executors meet here, and the
 * batch (ship.ts `runShipBatch`) runs once for all of them.
 */
import type { Job, Landing, PhaseExecutor } from "./job.js";
import { runShipBatch } from "./ship.js";

interface Joined {
  job: Job;
  resolve(landing: Landing): void;
  reject(err: unknown): void;
}

/** The meeting point of one batch's jobs. */
export class ShipBatchRun {
  private readonly joined: Joined[] = [];

  /** Each member job's executor: it waits for the batch and returns the member's landing. */
  readonly executor: PhaseExecutor = (job) =>
    new Promise<Landing>((resolve, reject) => {
      this.joined.push({ job, resolve, reject });
    });

  /**
   * Runs the batch with every job that joined so far (a job's executor is called as it starts, so
   * call this once each member was started); a member the batch gave no outcome fails its run.
   */
  seal(run: (jobs: readonly Job[]) => Promise<Map<string, Landing>> = runShipBatch): void {
    const joined = this.joined.splice(0);
    if (joined.length === 0) return;
    run(joined.map((j) => j.job)).then(
      (landings) => {
        for (const j of joined) {
          const landing = landings.get(j.job.task.id);
          if (landing) j.resolve(landing);
          else j.reject(new Error("the ship batch gave no outcome for this task"));
        }
      },
      (err: unknown) => {
        for (const j of joined) j.reject(err);
      },
    );
  }
}
