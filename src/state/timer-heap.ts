// A binary min-heap of timers by timestamp that knows each timer's position, so removal is O(log n).

import type { TimerEntry } from './internal-timer.ts';

/**
 * Min-heap on `timestamp`; each element's `heapIndex` tracks its slot (Flink's `HeapPriorityQueue`). Timestamps
 * are mirrored in a packed number array so sifting compares without touching the timer objects (fewer cache misses
 * with a million timers).
 */
export class TimerHeap {
  readonly #heap: TimerEntry[] = [];
  readonly #times: number[] = [];

  get size(): number {
    return this.#heap.length;
  }

  /** The earliest timer, or undefined when empty. */
  peek(): TimerEntry | undefined {
    return this.#heap[0];
  }

  push(timer: TimerEntry): void {
    this.#heap.push(timer);
    this.#times.push(timer.timestamp);
    this.#siftUp(this.#heap.length - 1, timer, timer.timestamp);
  }

  /** Removes and returns the earliest timer. */
  poll(): TimerEntry | undefined {
    if (this.#heap.length === 0) return undefined;
    const top = this.#heap[0]!;
    this.#removeAt(0);
    return top;
  }

  remove(timer: TimerEntry): void {
    const i = timer.heapIndex;
    if (i < 0 || this.#heap[i] !== timer) return;
    this.#removeAt(i);
  }

  clear(): void {
    for (const t of this.#heap) t.heapIndex = -1;
    this.#heap.length = 0;
    this.#times.length = 0;
  }

  #removeAt(i: number): void {
    const heap = this.#heap;
    const times = this.#times;
    heap[i]!.heapIndex = -1;
    const last = heap.pop()!;
    const lastTime = times.pop()!;
    if (i === heap.length) return;
    if (i > 0 && lastTime < times[(i - 1) >> 1]!) this.#siftUp(i, last, lastTime);
    else this.#siftDown(i, last, lastTime);
  }

  /** Places `item` (timestamp `time`) at or above slot `i`. */
  #siftUp(i: number, item: TimerEntry, time: number): void {
    const heap = this.#heap;
    const times = this.#times;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parentTime = times[parentIndex]!;
      if (parentTime <= time) break;
      const parent = heap[parentIndex]!;
      heap[i] = parent;
      times[i] = parentTime;
      parent.heapIndex = i;
      i = parentIndex;
    }
    heap[i] = item;
    times[i] = time;
    item.heapIndex = i;
  }

  /** Places `item` (timestamp `time`) at or below slot `i`. */
  #siftDown(i: number, item: TimerEntry, time: number): void {
    const heap = this.#heap;
    const times = this.#times;
    const n = heap.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && times[right]! < times[left]! ? right : left;
      const childTime = times[child]!;
      if (childTime >= time) break;
      const c = heap[child]!;
      heap[i] = c;
      times[i] = childTime;
      c.heapIndex = i;
      i = child;
    }
    heap[i] = item;
    times[i] = time;
    item.heapIndex = i;
  }
}
