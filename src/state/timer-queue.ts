// The timers of one time domain: a heap ordered by time plus, per key group, a dedup map (Flink's HeapPriorityQueueSet).

import type { KeyGroupRange } from './key-group.ts';
import type { TimerEntry } from './internal-timer.ts';
import type { TimerSnapshotEntry } from './keyed-state-snapshot.ts';
import { TimerHeap } from './timer-heap.ts';

/** A deduplicating priority queue of timers, partitioned by key group for snapshots. */
export class TimerQueue {
  readonly #heap = new TimerHeap();
  readonly #byKeyGroup: Map<string, TimerEntry>[];

  constructor(readonly keyGroupRange: KeyGroupRange) {
    this.#byKeyGroup = Array.from({ length: keyGroupRange.numberOfKeyGroups }, () => new Map());
  }

  get size(): number {
    return this.#heap.size;
  }

  peek(): TimerEntry | undefined {
    return this.#heap.peek();
  }

  /** Adds the timer unless one with the same id is queued; returns whether it was added. */
  add(timer: TimerEntry): boolean {
    const dedup = this.#byKeyGroup[timer.keyGroupIndex]!;
    if (dedup.has(timer.id)) return false;
    dedup.set(timer.id, timer);
    this.#heap.push(timer);
    return true;
  }

  /** Removes the timer with this id from the key group, if queued. */
  remove(keyGroupIndex: number, id: string): void {
    const dedup = this.#byKeyGroup[keyGroupIndex]!;
    const timer = dedup.get(id);
    if (timer === undefined) return;
    dedup.delete(id);
    this.#heap.remove(timer);
  }

  /** Removes and returns the earliest timer. */
  poll(): TimerEntry | undefined {
    const timer = this.#heap.poll();
    if (timer !== undefined) this.#byKeyGroup[timer.keyGroupIndex]!.delete(timer.id);
    return timer;
  }

  /** The timers of one key group (by absolute key group number) as snapshot entries. */
  snapshotKeyGroup(keyGroup: number): TimerSnapshotEntry[] {
    const out: TimerSnapshotEntry[] = [];
    for (const t of this.#byKeyGroup[keyGroup - this.keyGroupRange.startKeyGroup]!.values()) {
      out.push([t.canonicalKey, t.key, t.namespace, t.timestamp]);
    }
    return out;
  }

  clear(): void {
    this.#heap.clear();
    for (const m of this.#byKeyGroup) m.clear();
  }
}
