// AggregatingState on the heap: one accumulator per (key, namespace).

import type { Clock } from '../core/clock.ts';
import { AbstractHeapState } from './abstract-heap-state.ts';
import type { AggregateFunction } from './aggregate-function.ts';
import type { KeyContext } from './key-context.ts';
import type { StateTable } from './state-table.ts';
import type { AggregatingState, InternalMergingState, Namespace } from './state.ts';

/** Heap implementation of AggregatingState; snapshots copy accumulators, since `add` may update them in place. */
export class HeapAggregatingState<IN, ACC, OUT>
  extends AbstractHeapState<ACC>
  implements AggregatingState<IN, OUT>, InternalMergingState
{
  constructor(
    table: StateTable<ACC>,
    keyContext: KeyContext,
    clock: Clock,
    private readonly fn: AggregateFunction<IN, ACC, OUT>,
  ) {
    super(table, keyContext, clock);
  }

  get(): OUT | undefined {
    const entry = this.readEntry();
    this.afterAccess();
    return entry === undefined ? undefined : this.fn.getResult(entry.value);
  }

  add(value: IN): void {
    const entry = this.liveEntry();
    if (entry === undefined) this.insert(this.fn.add(value, this.fn.createAccumulator()));
    else {
      entry.value = this.fn.add(value, entry.value);
      this.touched(entry);
    }
    this.afterAccess();
  }

  mergeNamespaces(target: Namespace, sources: Iterable<Namespace>): void {
    this.mergeInto(target, sources, (a, b) => this.fn.merge(a, b));
  }
}
