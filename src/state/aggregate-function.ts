// The functions reducing and aggregating state apply: ReduceFunction and Flink's AggregateFunction (the one definition;
// windows re-export it).

/** Combines two values into one (must be associative); used by ReducingState. */
export type ReduceFunction<T> = (accumulated: T, value: T) => T;

/**
 * Incremental aggregation through an accumulator (Flink's `AggregateFunction<IN, ACC, OUT>`), used by
 * AggregatingState and by window `aggregate(...)`: folds elements into an accumulator one at a time, merges
 * accumulators (when session windows merge, and to combine the slices of sliding windows), and turns an
 * accumulator into the result.
 *
 * `add` and `merge` may modify and return their first accumulator argument. Unlike Flink, `merge` must leave its
 * second argument as it was: a sliding window's result merges each shared slice into several windows. Keep
 * accumulators plain data (they are copied into snapshots and may cross threads).
 *
 * @example
 * const average: AggregateFunction<number, { sum: number; count: number }, number> = {
 *   createAccumulator: () => ({ sum: 0, count: 0 }),
 *   add: (v, acc) => { acc.sum += v; acc.count++; return acc; },
 *   getResult: (acc) => acc.sum / acc.count,
 *   merge: (a, b) => { a.sum += b.sum; a.count += b.count; return a; },
 * };
 */
export interface AggregateFunction<IN, ACC, OUT> {
  createAccumulator(): ACC;
  add(value: IN, accumulator: ACC): ACC;
  getResult(accumulator: ACC): OUT;
  /** Combines two accumulators; may update and return `a`, must not modify `b`. */
  merge(a: ACC, b: ACC): ACC;
}
