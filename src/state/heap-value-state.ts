// ValueState on the heap: one value per (key, namespace).

import type { Clock } from '../core/clock.ts';
import { AbstractHeapState } from './abstract-heap-state.ts';
import type { KeyContext } from './key-context.ts';
import type { StateTable } from './state-table.ts';
import type { ValueState } from './state.ts';

/** Heap implementation of ValueState. Values are kept by reference: update with a new object, do not mutate. */
export class HeapValueState<T> extends AbstractHeapState<T> implements ValueState<T> {
  constructor(
    table: StateTable<T>,
    keyContext: KeyContext,
    clock: Clock,
    private readonly defaultValue: T | undefined,
  ) {
    super(table, keyContext, clock);
  }

  value(): T | undefined {
    const entry = this.readEntry();
    this.afterAccess();
    return entry === undefined ? this.defaultValue : entry.value;
  }

  update(value: T | undefined): void {
    if (value === undefined) {
      this.clear();
      return;
    }
    this.write(value);
    this.afterAccess();
  }
}
