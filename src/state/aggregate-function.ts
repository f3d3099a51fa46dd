// The functions reducing and aggregating state apply: ReduceFunction and Flink's AggregateFunction.

/** Combines two values into one (must be associative); used by ReducingState. */
export type ReduceFunction<T> = (accumulated: T, value: T) => T;

/**
 * Incremental aggregation with an accumulator (Flink's `AggregateFunction`), used by AggregatingState.
 * `add` may update the accumulator in place and return it.
 */
export interface AggregateFunction<IN, ACC, OUT> {
  createAccumulator(): ACC;
  add(value: IN, accumulator: ACC): ACC;
  getResult(accumulator: ACC): OUT;
  /** Combines two accumulators (when windows merge); may return either one updated. */
  merge(a: ACC, b: ACC): ACC;
}
