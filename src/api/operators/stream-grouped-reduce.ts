// Rolling reduce on a keyed stream: keeps one value per key and emits the new value for every input.

import { canonicalKey } from '../../state/key-group.ts';
import { toReducer, type ReduceFunction } from '../functions.ts';
import { AbstractUdfStreamOperator } from './stream-operator.ts';

export class StreamGroupedReduce<T, K> extends AbstractUdfStreamOperator<T, T, ReduceFunction<T>> {
  readonly #reduce: (a: T, b: T) => T;
  readonly #values = new Map<unknown, T>();
  readonly #keyOf: (value: T) => unknown;

  constructor(fn: ReduceFunction<T>, keyOf: (value: T) => K) {
    super(fn);
    this.#reduce = toReducer(fn);
    this.#keyOf = (value) => {
      const key = keyOf(value);
      // Primitive keys address the map directly; composite keys go through their canonical form.
      return typeof key === 'object' && key !== null ? canonicalKey(key) : key;
    };
  }

  processElement(value: T, timestamp: number): void {
    const key = this.#keyOf(value);
    const current = this.#values.get(key);
    const next = current === undefined ? value : this.#reduce(current, value);
    this.#values.set(key, next);
    this.output.collect(next, timestamp);
  }

  /** Number of keys held; for tests. */
  get keyCount(): number {
    return this.#values.size;
  }
}
