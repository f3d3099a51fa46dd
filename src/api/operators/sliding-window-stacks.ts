// SlidingWindowStacks: one key's sliding-window slices as a two-stack queue, so consecutive windows merge a few
// accumulators instead of all their slices (a cache in front of keyed state; SlicingWindowOperator rebuilds it).

import type { SliceFunctions } from './slicing-window-operator.ts';

/**
 * The slices of a key's current window, oldest first, as a queue of two stacks: the back stack keeps a running
 * merge of what was pushed, the front stack the merges of each suffix (its top, the last array element, is the
 * oldest slice and the merge of the whole front). Pushing the slices that enter a window and popping those that
 * leave costs O(1) merges amortised; a window's value is the front top merged with the back aggregate.
 *
 * Accumulators read from state are never modified: every merge goes into a fresh accumulator (SliceFunctions.merge
 * with `undefined` first) or into one this queue made.
 */
export class SlidingWindowStacks<ACC> {
  /** Slices starting before this have been pushed. */
  pushedUntil: number;
  #backStarts: number[] = [];
  #backAccs: ACC[] = [];
  #backAgg: ACC | undefined = undefined;
  #frontStarts: number[] = [];
  #frontAggs: ACC[] = [];

  constructor(
    private readonly fns: SliceFunctions<unknown, ACC, unknown>,
    start: number,
  ) {
    this.pushedUntil = start;
  }

  /** Appends the slice starting at `start` (newer than every slice in the queue). */
  push(start: number, acc: ACC): void {
    this.#backStarts.push(start);
    this.#backAccs.push(acc);
    this.#backAgg = this.fns.merge(this.#backAgg, acc);
  }

  /** Drops the slices starting before `start`. */
  evictBefore(start: number): void {
    for (;;) {
      const front = this.#frontStarts.length;
      const oldest = front > 0 ? this.#frontStarts[front - 1]! : this.#backStarts[0];
      if (oldest === undefined || oldest >= start) return;
      if (front === 0) this.#flip();
      this.#frontStarts.pop();
      this.#frontAggs.pop();
    }
  }

  /** The merge of every slice in the queue (undefined when it is empty), in a fresh accumulator. */
  value(): ACC | undefined {
    const fns = this.fns;
    const front = this.#frontAggs.length;
    let merged = front > 0 ? fns.merge(undefined, this.#frontAggs[front - 1]!) : undefined;
    if (this.#backAgg !== undefined) merged = fns.merge(merged, this.#backAgg);
    return merged;
  }

  isEmpty(): boolean {
    return this.#frontStarts.length === 0 && this.#backStarts.length === 0;
  }

  /** Moves the back stack onto the front, computing the suffix merges from the newest slice to the oldest. */
  #flip(): void {
    const fns = this.fns;
    for (let i = this.#backStarts.length - 1; i >= 0; i--) {
      let agg = fns.merge(undefined, this.#backAccs[i]!);
      const top = this.#frontAggs.length;
      if (top > 0) agg = fns.merge(agg, this.#frontAggs[top - 1]!);
      this.#frontStarts.push(this.#backStarts[i]!);
      this.#frontAggs.push(agg);
    }
    this.#backStarts = [];
    this.#backAccs = [];
    this.#backAgg = undefined;
  }
}
