// CountEvictor: keeps at most `maxCount` elements in a window, evicting the oldest (first) ones.

import { IllegalArgumentError } from '../../core/errors.ts';
import type { EvictableIterable } from './evictable-list.ts';
import type { Evictor, EvictorContext } from './evictor.ts';
import type { TimestampedValue } from './timestamped-value.ts';
import type { Window } from './window.ts';

/**
 * Keeps the last `maxCount` elements of the window, before the window function (default) or after it.
 *
 * @example
 * keyed.window(GlobalWindows.create()).evictor(CountEvictor.of(100)).trigger(CountTrigger.of(10));
 */
export class CountEvictor<W extends Window = Window> implements Evictor<unknown, W> {
  private constructor(
    private readonly maxCount: number,
    private readonly doEvictAfter: boolean,
  ) {}

  static of<W extends Window = Window>(maxCount: number, doEvictAfter = false): CountEvictor<W> {
    if (!Number.isSafeInteger(maxCount) || maxCount < 0) {
      throw new IllegalArgumentError(`maxCount must be a whole number >= 0, got ${maxCount}`);
    }
    return new CountEvictor<W>(maxCount, doEvictAfter);
  }

  evictBefore(elements: EvictableIterable<TimestampedValue<unknown>>, size: number, _window: W, _evictorContext: EvictorContext): void {
    if (!this.doEvictAfter) this.#evict(elements, size);
  }

  evictAfter(elements: EvictableIterable<TimestampedValue<unknown>>, size: number, _window: W, _evictorContext: EvictorContext): void {
    if (this.doEvictAfter) this.#evict(elements, size);
  }

  #evict(elements: EvictableIterable<TimestampedValue<unknown>>, size: number): void {
    if (size <= this.maxCount) return;
    let evictedCount = 0;
    const iterator = elements[Symbol.iterator]();
    while (!iterator.next().done) {
      evictedCount++;
      if (evictedCount > size - this.maxCount) break;
      iterator.remove();
    }
  }

  toString(): string {
    return `CountEvictor(${this.maxCount})`;
  }
}
