// DeltaEvictor: evicts the elements whose delta to the last element reaches a threshold.

import { IllegalArgumentError } from '../../core/errors.ts';
import type { DeltaFunction } from './delta-function.ts';
import { toDeltaFn } from './delta-function.ts';
import type { EvictableIterable } from './evictable-list.ts';
import type { Evictor, EvictorContext } from './evictor.ts';
import type { TimestampedValue } from './timestamped-value.ts';
import type { Window } from './window.ts';

/**
 * Evicts every element `e` with `delta(e, last) >= threshold`, where `last` is the window's last element,
 * before the window function (default) or after it.
 *
 * @example
 * DeltaEvictor.of(5, (a: Reading, b: Reading) => Math.abs(a.celsius - b.celsius));
 */
export class DeltaEvictor<T, W extends Window = Window> implements Evictor<T, W> {
  readonly #delta: (a: T, b: T) => number;

  private constructor(
    private readonly threshold: number,
    deltaFunction: DeltaFunction<T>,
    private readonly doEvictAfter: boolean,
  ) {
    this.#delta = toDeltaFn(deltaFunction);
  }

  static of<T, W extends Window = Window>(threshold: number, deltaFunction: DeltaFunction<T>, doEvictAfter = false): DeltaEvictor<T, W> {
    if (Number.isNaN(threshold)) throw new IllegalArgumentError('threshold must be a number, got NaN');
    return new DeltaEvictor<T, W>(threshold, deltaFunction, doEvictAfter);
  }

  evictBefore(elements: EvictableIterable<TimestampedValue<T>>, _size: number, _window: W, _evictorContext: EvictorContext): void {
    if (!this.doEvictAfter) this.#evict(elements);
  }

  evictAfter(elements: EvictableIterable<TimestampedValue<T>>, _size: number, _window: W, _evictorContext: EvictorContext): void {
    if (this.doEvictAfter) this.#evict(elements);
  }

  #evict(elements: EvictableIterable<TimestampedValue<T>>): void {
    let last: TimestampedValue<T> | undefined;
    for (const element of elements) last = element;
    if (last === undefined) return;
    const lastValue = last.getValue();
    const iterator = elements[Symbol.iterator]();
    for (let r = iterator.next(); r.done !== true; r = iterator.next()) {
      if (this.#delta(r.value.getValue(), lastValue) >= this.threshold) iterator.remove();
    }
  }

  toString(): string {
    return `DeltaEvictor(${this.threshold}, ${this.doEvictAfter})`;
  }
}
