// AllWindowFunction: the context-free window function of windowAll (window, elements, collector).

import type { Collector } from '../functions.ts';
import type { Window } from './window.ts';

/**
 * Evaluates a firing window of a non-keyed stream: a function, or an object with Flink's `apply`.
 *
 * @example
 * const total: AllWindowFunction<number, number, TimeWindow> = (_w, xs, out) => out.collect([...xs].reduce((a, b) => a + b, 0));
 */
export type AllWindowFunction<IN, OUT, W extends Window> =
  | ((window: W, values: Iterable<IN>, out: Collector<OUT>) => void)
  | { apply(window: W, values: Iterable<IN>, out: Collector<OUT>): void };

export function toAllWindowFn<IN, OUT, W extends Window>(
  fn: AllWindowFunction<IN, OUT, W>,
): (window: W, values: Iterable<IN>, out: Collector<OUT>) => void {
  // `apply` is also Function.prototype.apply, so narrow by hand.
  if (typeof fn === 'function') return fn as (window: W, values: Iterable<IN>, out: Collector<OUT>) => void;
  return (window, values, out) => fn.apply(window, values, out);
}
