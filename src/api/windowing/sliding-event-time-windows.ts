// SlidingEventTimeWindows: windows of `size` starting every `slide` of event time (an element is in size/slide of them).

import { IllegalArgumentError } from '../../core/errors.ts';
import type { Duration } from '../time.ts';
import { EventTimeTrigger } from './event-time-trigger.ts';
import { TimeWindow } from './time-window.ts';
import type { Trigger } from './trigger.ts';
import { missingTimestampError, offsetMillis, spanMillis, type WindowOffset } from './window-arguments.ts';
import { WindowAssigner, type WindowAssignerContext } from './window-assigner.ts';

/**
 * Puts each element into every window `[start, start + size)` containing its timestamp, where window starts are
 * `offset + k * slide`. With `slide > size` some elements fall between windows and belong to none. Default
 * trigger: `EventTimeTrigger`.
 *
 * @example
 * // 10-second windows every second: each element is in 10 windows
 * keyed.window(SlidingEventTimeWindows.of(Time.seconds(10), Time.seconds(1)));
 */
export class SlidingEventTimeWindows extends WindowAssigner<unknown, TimeWindow> {
  private constructor(
    private readonly size: number,
    private readonly slide: number,
    private readonly offset: number,
  ) {
    super();
    if (Math.abs(offset) >= slide || size <= 0) {
      throw new IllegalArgumentError(
        `SlidingEventTimeWindows parameters must satisfy abs(offset) < slide and size > 0, ` +
          `got size ${size} ms, slide ${slide} ms, offset ${offset} ms`,
      );
    }
  }

  static of(size: Duration, slide: Duration, offset: WindowOffset = 0): SlidingEventTimeWindows {
    return new SlidingEventTimeWindows(spanMillis('size', size), spanMillis('slide', slide), offsetMillis(offset));
  }

  assignWindows(_element: unknown, timestamp: number, _context: WindowAssignerContext): TimeWindow[] {
    if (!(timestamp > Number.NEGATIVE_INFINITY)) throw missingTimestampError();
    return slidingWindows(timestamp, this.size, this.slide, this.offset);
  }

  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return EventTimeTrigger.create();
  }

  isEventTime(): boolean {
    return true;
  }

  getSize(): number {
    return this.size;
  }

  getSlide(): number {
    return this.slide;
  }

  getOffset(): number {
    return this.offset;
  }

  override toString(): string {
    return `SlidingEventTimeWindows(${this.size}, ${this.slide})`;
  }
}

/** The sliding windows containing `timestamp`, latest start first (Flink's order). */
export function slidingWindows(timestamp: number, size: number, slide: number, offset: number): TimeWindow[] {
  const windows: TimeWindow[] = [];
  const lastStart = TimeWindow.getWindowStartWithOffset(timestamp, offset, slide);
  for (let start = lastStart; start > timestamp - size; start -= slide) windows.push(new TimeWindow(start, start + size));
  return windows;
}
