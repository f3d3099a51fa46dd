// TimeEvictor: keeps only the elements within `windowSize` of the newest element's timestamp.

import type { Duration } from '../time.ts';
import type { EvictableIterable } from './evictable-list.ts';
import type { Evictor, EvictorContext } from './evictor.ts';
import type { TimestampedValue } from './timestamped-value.ts';
import { spanMillis } from './window-arguments.ts';
import type { Window } from './window.ts';

/**
 * Evicts every element whose timestamp is `<= max timestamp - windowSize`, before the window function (default)
 * or after it. Does nothing when the elements carry no timestamps.
 *
 * @example
 * keyed.window(GlobalWindows.create()).evictor(TimeEvictor.of(Time.seconds(10))).trigger(CountTrigger.of(5));
 */
export class TimeEvictor<W extends Window = Window> implements Evictor<unknown, W> {
  private constructor(
    private readonly windowSize: number,
    private readonly doEvictAfter: boolean,
  ) {}

  static of<W extends Window = Window>(windowSize: Duration, doEvictAfter = false): TimeEvictor<W> {
    return new TimeEvictor<W>(spanMillis('windowSize', windowSize), doEvictAfter);
  }

  getWindowSize(): number {
    return this.windowSize;
  }

  evictBefore(elements: EvictableIterable<TimestampedValue<unknown>>, _size: number, _window: W, _evictorContext: EvictorContext): void {
    if (!this.doEvictAfter) this.#evict(elements);
  }

  evictAfter(elements: EvictableIterable<TimestampedValue<unknown>>, _size: number, _window: W, _evictorContext: EvictorContext): void {
    if (this.doEvictAfter) this.#evict(elements);
  }

  #evict(elements: EvictableIterable<TimestampedValue<unknown>>): void {
    const first = elements[Symbol.iterator]().next();
    if (first.done === true || !first.value.hasTimestamp()) return;
    let currentTime = Number.NEGATIVE_INFINITY;
    for (const record of elements) currentTime = Math.max(currentTime, record.getTimestamp());
    const evictCutoff = currentTime - this.windowSize;
    const iterator = elements[Symbol.iterator]();
    for (let r = iterator.next(); r.done !== true; r = iterator.next()) {
      if (r.value.getTimestamp() <= evictCutoff) iterator.remove();
    }
  }

  toString(): string {
    return `TimeEvictor(${this.windowSize})`;
  }
}
