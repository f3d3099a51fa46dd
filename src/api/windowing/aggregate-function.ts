// AggregateFunction: incremental aggregation through an accumulator (Flink's AggregateFunction<IN, ACC, OUT>).

/**
 * Folds elements into an accumulator one at a time, merges accumulators (session merges, slices of sliding
 * windows), and turns an accumulator into the result.
 *
 * `add` and `merge` may modify and return their first accumulator argument. `merge` must leave its second
 * argument as it was: the slicing aggregator merges one slice into several windows.
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
  merge(a: ACC, b: ACC): ACC;
}
