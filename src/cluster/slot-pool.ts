// The session cluster's slot pool: free slots per TaskManager, reserved per job when it starts, freed when it ends,
// and moved off a TaskManager that was lost.

import { NotEnoughSlotsError } from '../core/errors.ts';
import { requiredSlots, type JobGraph } from '../graph/job-graph.ts';

/** A job's slots: how many it reserved per TaskManager index at start, and where each share is now. */
interface Reservation {
  /** As returned by `reserve` (the job's TaskManager indices and its slots on each). */
  readonly counts: readonly number[];
  /** Index `i` of `counts` -> the TaskManager that holds that share now (i itself unless it was moved). */
  readonly placement: number[];
}

/** A share of a job's slots moved from a lost TaskManager to another one. */
export interface Relocation {
  readonly jobId: string;
  /** The job's TaskManager index (as in its reservation). */
  readonly share: number;
  readonly from: number;
  readonly to: number;
}

/**
 * Slots of long-lived TaskManagers shared by many jobs. A job reserves the slots it needs (per slot-sharing
 * group its largest parallelism) before it is deployed, spread round robin over the TaskManagers with free
 * slots so that parallel subtasks land on different TaskManagers first; the JobMaster then assigns its subtasks
 * within its reservation (`assignSlots` over the reserved counts). The reservation is held through restarts
 * and released when the job reaches a terminal state.
 *
 * TaskManager processes come and go: `addTaskManager` adds one (its index is never reused), `removeTaskManager`
 * takes a lost one's slots away, and `restoreTaskManager` brings it back under the same index. A job's share on a
 * lost TaskManager moves, whole, to a live one with room for it (`relocateOrphans`), at once or when one
 * registers; `placementOf` says where each share is now.
 *
 * @example
 * const pool = new SlotPool([2, 2]);
 * const reserved = pool.reserve(jobGraph.jobId, jobGraph); // e.g. [1, 1]
 * // ... the job ends
 * pool.release(jobGraph.jobId);
 */
export class SlotPool {
  readonly #slots: number[];
  readonly #alive: boolean[];
  readonly #reservations = new Map<string, Reservation>();
  readonly #jobOfCounts = new WeakMap<readonly number[], string>();

  constructor(slotsPerTaskManager: readonly number[]) {
    this.#slots = [...slotsPerTaskManager];
    this.#alive = this.#slots.map(() => true);
  }

  /** Slots of each TaskManager index (0 for a lost one). */
  get slotsPerTaskManager(): readonly number[] {
    return this.#slots.map((n, i) => (this.#alive[i] ? n : 0));
  }

  get totalSlots(): number {
    return this.slotsPerTaskManager.reduce((a, b) => a + b, 0);
  }

  get availableSlots(): number {
    return this.freeSlots().reduce((a, b) => a + b, 0);
  }

  /** Free slots of each TaskManager (0 for a lost one). */
  freeSlots(): readonly number[] {
    const used = this.#slots.map(() => 0);
    for (const r of this.#reservations.values()) r.counts.forEach((n, i) => (used[r.placement[i]!]! += n));
    return this.#slots.map((n, i) => (this.#alive[i] ? Math.max(0, n - used[i]!) : 0));
  }

  /** Slots job `jobId` holds on each TaskManager, if it holds any. */
  reservationOf(jobId: string): readonly number[] | undefined {
    const r = this.#reservations.get(jobId);
    if (r === undefined) return undefined;
    const held = this.#slots.map(() => 0);
    r.counts.forEach((n, i) => (held[r.placement[i]!]! += n));
    return held;
  }

  /** Where each share of job `jobId`'s reservation is now: its TaskManager index -> the one holding it. */
  placementOf(jobId: string): readonly number[] | undefined {
    return this.#reservations.get(jobId)?.placement;
  }

  /** The job holding `reserved` (an array `reserve` returned), while it holds it. */
  jobHolding(reserved: readonly number[]): string | undefined {
    const jobId = this.#jobOfCounts.get(reserved);
    return jobId !== undefined && this.#reservations.get(jobId)?.counts === reserved ? jobId : undefined;
  }

  /** Jobs holding slots on TaskManager `index`, with how many. */
  jobsOn(index: number): { jobId: string; slots: number }[] {
    const out: { jobId: string; slots: number }[] = [];
    for (const jobId of this.#reservations.keys()) {
      const slots = this.reservationOf(jobId)![index] ?? 0;
      if (slots > 0) out.push({ jobId, slots });
    }
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
    const free = [...this.freeSlots()];
    const reserved = free.map(() => 0);
    let placed = 0;
    while (placed < total) {
      for (let tm = 0; tm < free.length && placed < total; tm++) {
        if (free[tm]! > 0) {
          free[tm]!--;
          reserved[tm]!++;
          placed++;
        }
      }
    }
    this.#reservations.set(jobId, { counts: reserved, placement: reserved.map((_, i) => i) });
    this.#jobOfCounts.set(reserved, jobId);
    return reserved;
  }

  /** Frees the slots of job `jobId` (no-op when it holds none). */
  release(jobId: string): void {
    this.#reservations.delete(jobId);
  }

  /** A TaskManager with `slots` slots joins; returns its index. */
  addTaskManager(slots: number): number {
    this.#slots.push(slots);
    this.#alive.push(true);
    return this.#slots.length - 1;
  }

  /** TaskManager `index` is lost: its slots are gone; job shares on it wait for `relocateOrphans`. */
  removeTaskManager(index: number): void {
    this.#alive[index] = false;
  }

  /** TaskManager `index` is back (registered again under its id), with `slots` slots. */
  restoreTaskManager(index: number, slots: number): void {
    this.#slots[index] = slots;
    this.#alive[index] = true;
  }

  isAlive(index: number): boolean {
    return this.#alive[index] === true;
  }

  /** Moves every job share on a lost TaskManager, whole, to a live one with room for it; returns the moves. */
  relocateOrphans(): Relocation[] {
    const moves: Relocation[] = [];
    for (const [jobId, r] of this.#reservations) {
      r.counts.forEach((n, share) => {
        const from = r.placement[share]!;
        if (n === 0 || this.#alive[from]) return;
        const free = this.freeSlots();
        // The TaskManager with the most room (ties: the lowest index), so shares spread as reserve() spreads them.
        let to = -1;
        free.forEach((f, i) => {
          if (f >= n && (to === -1 || f > free[to]!)) to = i;
        });
        if (to === -1) return;
        r.placement[share] = to;
        moves.push({ jobId, share, from, to });
      });
    }
    return moves;
  }
}
