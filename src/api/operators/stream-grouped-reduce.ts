// Rolling reduce on a keyed stream: keeps one value per key and emits the new value for every input.

import { canonicalKey } from '../../state/key-group.ts';
import { toReducer, type ReduceFunction } from '../functions.ts';
import { AbstractUdfStreamOperator } from './stream-operator.ts';

/** A key's current value; mutated in place so each record costs one map lookup. */
interface Cell<T> {
  value: T;
}

export class StreamGroupedReduce<T, K> extends AbstractUdfStreamOperator<T, T, ReduceFunction<T>> {
  readonly #reduce: (a: T, b: T) => T;
  readonly #cells = new Map<unknown, Cell<T>>();

  constructor(
    fn: ReduceFunction<T>,
    private readonly keyOf: (value: T) => K,
  ) {
    super(fn);
    this.#reduce = toReducer(fn);
  }

  processElement(value: T, timestamp: number): void {
    let key: unknown = this.keyOf(value);
    // Primitive keys address the map directly; composite keys go through their canonical form.
    if (typeof key === 'object' && key !== null) key = canonicalKey(key);
    const cell = this.#cells.get(key);
    if (cell === undefined) {
      this.#cells.set(key, { value });
      this.output.collect(value, timestamp);
    } else {
      const next = this.#reduce(cell.value, value);
      cell.value = next;
      this.output.collect(next, timestamp);
    }
  }

  /** Number of keys held; for tests. */
  get keyCount(): number {
    return this.#cells.size;
  }
}
