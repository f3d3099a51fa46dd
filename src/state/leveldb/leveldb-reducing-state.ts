// ReducingState on LevelDB: one folded value per (key, namespace).

import type { Clock } from '../../core/clock.ts';
import type { ReduceFunction } from '../aggregate-function.ts';
import type { KeyContext } from '../key-context.ts';
import type { InternalMergingState, Namespace, ReducingState } from '../state.ts';
import { AbstractLevelDBState } from './abstract-leveldb-state.ts';
import type { LevelDBStateTable } from './leveldb-state-table.ts';
import type { WriteBackCache } from './write-back-cache.ts';

/** LevelDB implementation of ReducingState. */
export class LevelDBReducingState<T> extends AbstractLevelDBState<T> implements ReducingState<T>, InternalMergingState {
  constructor(
    table: LevelDBStateTable,
    cache: WriteBackCache,
    keyContext: KeyContext,
    clock: Clock,
    private readonly reduce: ReduceFunction<T>,
  ) {
    super(table, cache, keyContext, clock);
  }

  get(): T | undefined {
    const value = this.readValue();
    this.afterAccess();
    return value;
  }

  add(value: T): void {
    const entry = this.liveEntry();
    this.writeEntry(entry, entry.value === undefined ? value : this.reduce(entry.value as T, value));
    this.afterAccess();
  }

  mergeNamespaces(target: Namespace, sources: Iterable<Namespace>): void {
    this.mergeInto(target, sources, this.reduce);
  }
}
