// ValueState on LevelDB: one value per (key, namespace), through the write-back cache.

import type { Clock } from '../../core/clock.ts';
import type { KeyContext } from '../key-context.ts';
import type { ValueState } from '../state.ts';
import { AbstractLevelDBState } from './abstract-leveldb-state.ts';
import type { LevelDBStateTable } from './leveldb-state-table.ts';
import type { WriteBackCache } from './write-back-cache.ts';

/** LevelDB implementation of ValueState. Update with a new object rather than mutating the one read. */
export class LevelDBValueState<T> extends AbstractLevelDBState<T> implements ValueState<T> {
  constructor(
    table: LevelDBStateTable,
    cache: WriteBackCache,
    keyContext: KeyContext,
    clock: Clock,
    private readonly defaultValue: T | undefined,
  ) {
    super(table, cache, keyContext, clock);
  }

  value(): T | undefined {
    const value = this.readValue();
    this.afterAccess();
    return value === undefined ? this.defaultValue : value;
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
