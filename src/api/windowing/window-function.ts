// WindowFunction: the older, context-free window function (key, window, elements, collector).

import type { Collector } from '../functions.ts';
import type { Window } from './window.ts';

/**
 * Evaluates a firing window of a keyed stream: a function, or an object with Flink's `apply`.
 *
 * @example
 * const count: WindowFunction<Click, string, string, TimeWindow> = (user, window, clicks, out) =>
 *   out.collect(`${user}@${window.getEnd()}: ${[...clicks].length}`);
 */
export type WindowFunction<IN, OUT, KEY, W extends Window> =
  | ((key: KEY, window: W, input: Iterable<IN>, out: Collector<OUT>) => void)
  | { apply(key: KEY, window: W, input: Iterable<IN>, out: Collector<OUT>): void };

export function toWindowFn<IN, OUT, KEY, W extends Window>(
  fn: WindowFunction<IN, OUT, KEY, W>,
): (key: KEY, window: W, input: Iterable<IN>, out: Collector<OUT>) => void {
  // `apply` is also Function.prototype.apply, so narrow by hand.
  if (typeof fn === 'function') return fn as (key: KEY, window: W, input: Iterable<IN>, out: Collector<OUT>) => void;
  return (key, window, input, out) => fn.apply(key, window, input, out);
}
