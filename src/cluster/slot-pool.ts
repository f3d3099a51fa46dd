// The session cluster's slot pool: free slots per TaskManager, reserved per job when it starts, freed when it ends.

import { NotEnoughSlotsError } from '../core/errors.ts';
import { requiredSlots, type JobGraph } from '../graph/job-graph.ts';

/**
 * Slots of long-lived TaskManagers shared by many jobs. A job reserves the slots it needs (per slot-sharing
 * group its largest parallelism) before it is deployed, spread round robin over the TaskManagers with free
 * slots so that parallel subtasks land on different threads first; the JobMaster then assigns its subtasks
 * within its reservation (`assignSlots` over the reserved counts). The reservation is held through restarts
 * and released when the job reaches a terminal state.
 *
 * @example
 * const pool = new SlotPool([2, 2]);
 * const reserved = pool.reserve(jobGraph.jobId, jobGraph); // e.g. [1, 1]
 * // ... the job ends
 * pool.release(jobGraph.jobId);
 */
export class SlotPool {
  readonly #free: number[];
  readonly #reservations = new Map<string, readonly number[]>();

  constructor(readonly slotsPerTaskManager: readonly number[]) {
    this.#free = [...slotsPerTaskManager];
  }

  get totalSlots(): number {
    return this.slotsPerTaskManager.reduce((a, b) => a + b, 0);
  }

  get availableSlots(): number {
    return this.#free.reduce((a, b) => a + b, 0);
  }

  /** Free slots of each TaskManager. */
  freeSlots(): readonly number[] {
    return [...this.#free];
  }

  /** Slots job `jobId` holds on each TaskManager, if it holds any. */
  reservationOf(jobId: string): readonly number[] | undefined {
    return this.#reservations.get(jobId);
  }

  /** Jobs holding slots on TaskManager `index`, with how many. */
  jobsOn(index: number): { jobId: string; slots: number }[] {
    const out: { jobId: string; slots: number }[] = [];
    for (const [jobId, slots] of this.#reservations) if ((slots[index] ?? 0) > 0) out.push({ jobId, slots: slots[index]! });
    return out;
  }

  /**
   * Reserves the slots `graph` needs for job `jobId`; returns the count reserved on each TaskManager. Throws
   * NotEnoughSlotsError (reserving nothing) when fewer slots are free.
   */
  reserve(jobId: string, graph: JobGraph): readonly number[] {
    if (this.#reservations.has(jobId)) throw new Error(`job ${jobId} already holds slots`);
    const { total, perGroup } = requiredSlots(graph);
    const available = this.availableSlots;
    if (total > available) {
      const detail =
        [...perGroup].map(([g, n]) => `group '${g}' needs ${n}`).join(', ') +
        `; the session cluster has ${this.totalSlots} slots, ${available} free`;
      throw new NotEnoughSlotsError(total, available, detail);
    }
    const reserved = this.#free.map(() => 0);
    let placed = 0;
    while (placed < total) {
      for (let tm = 0; tm < this.#free.length && placed < total; tm++) {
        if (this.#free[tm]! > 0) {
          this.#free[tm]!--;
          reserved[tm]!++;
          placed++;
        }
      }
    }
    this.#reservations.set(jobId, reserved);
    return reserved;
  }

  /** Frees the slots of job `jobId` (no-op when it holds none). */
  release(jobId: string): void {
    const reserved = this.#reservations.get(jobId);
    if (reserved === undefined) return;
    this.#reservations.delete(jobId);
    reserved.forEach((n, tm) => (this.#free[tm]! += n));
  }
}
