// ReducingState on the heap: one folded value per (key, namespace).

import type { Clock } from '../core/clock.ts';
import { AbstractHeapState } from './abstract-heap-state.ts';
import type { ReduceFunction } from './aggregate-function.ts';
import type { KeyContext } from './key-context.ts';
import type { StateTable } from './state-table.ts';
import type { InternalMergingState, Namespace, ReducingState } from './state.ts';

/** Heap implementation of ReducingState. */
export class HeapReducingState<T> extends AbstractHeapState<T> implements ReducingState<T>, InternalMergingState {
  constructor(
    table: StateTable<T>,
    keyContext: KeyContext,
    clock: Clock,
    private readonly reduce: ReduceFunction<T>,
  ) {
    super(table, keyContext, clock);
  }

  get(): T | undefined {
    const entry = this.readEntry();
    this.afterAccess();
    return entry?.value;
  }

  add(value: T): void {
    const entry = this.liveEntry();
    if (entry === undefined) this.insert(value);
    else {
      entry.value = this.reduce(entry.value, value);
      this.touched(entry);
    }
    this.afterAccess();
  }

  mergeNamespaces(target: Namespace, sources: Iterable<Namespace>): void {
    this.mergeInto(target, sources, this.reduce);
  }
}
