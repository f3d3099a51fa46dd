// AggregatingState on LevelDB: one accumulator per (key, namespace), updated in the cache.

import type { Clock } from '../../core/clock.ts';
import type { AggregateFunction } from '../aggregate-function.ts';
import type { KeyContext } from '../key-context.ts';
import type { AggregatingState, InternalMergingState, Namespace } from '../state.ts';
import { AbstractLevelDBState } from './abstract-leveldb-state.ts';
import type { LevelDBStateTable } from './leveldb-state-table.ts';
import type { WriteBackCache } from './write-back-cache.ts';

/**
 * LevelDB implementation of AggregatingState. `add` may update the accumulator in place: the cache writes the
 * accumulator's state at the next flush, and a snapshot encodes it at capture, so neither sees later updates.
 */
export class LevelDBAggregatingState<IN, ACC, OUT> extends AbstractLevelDBState<ACC> implements AggregatingState<IN, OUT>, InternalMergingState {
  constructor(
    table: LevelDBStateTable,
    cache: WriteBackCache,
    keyContext: KeyContext,
    clock: Clock,
    private readonly fn: AggregateFunction<IN, ACC, OUT>,
  ) {
    super(table, cache, keyContext, clock);
  }

  get(): OUT | undefined {
    const acc = this.readValue();
    this.afterAccess();
    return acc === undefined ? undefined : this.fn.getResult(acc);
  }

  add(value: IN): void {
    const entry = this.liveEntry();
    const acc = entry.value === undefined ? this.fn.createAccumulator() : (entry.value as ACC);
    this.writeEntry(entry, this.fn.add(value, acc));
    this.afterAccess();
  }

  mergeNamespaces(target: Namespace, sources: Iterable<Namespace>): void {
    this.mergeInto(target, sources, (a, b) => this.fn.merge(a, b));
  }
}
