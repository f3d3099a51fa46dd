// The partitioned state triggers keep through their context: a reducing state and the description the operator builds it from.

/**
 * A value folded with a reduce function (Flink's `ReducingState`), scoped by the operator to the current key and
 * window. `get()` is `undefined` while empty.
 */
export interface TriggerReducingState<T> {
  get(): T | undefined;
  add(value: T): void;
  clear(): void;
}

/**
 * What a trigger hands to `TriggerContext.getPartitionedState` for a reducing state: a name unique within the
 * trigger and the reduce function. The operator creates (or finds) the state per key and window from it, and
 * `OnMergeContext.mergePartitionedState` reduces the merged windows' values into the result window.
 */
export interface TriggerStateDescriptor<T> {
  readonly name: string;
  readonly kind: 'reducing';
  readonly reduce: (a: T, b: T) => T;
}

/** A descriptor for a reducing state of numbers. */
export function reducingStateDescriptor(name: string, reduce: (a: number, b: number) => number): TriggerStateDescriptor<number> {
  return Object.freeze({ name, kind: 'reducing', reduce });
}
