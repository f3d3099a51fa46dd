// TumblingEventTimeWindows: fixed-size, non-overlapping event-time windows, optionally shifted by an offset.

import { IllegalArgumentError } from '../../core/errors.ts';
import type { Duration } from '../time.ts';
import { EventTimeTrigger } from './event-time-trigger.ts';
import { TimeWindow } from './time-window.ts';
import type { Trigger } from './trigger.ts';
import { missingTimestampError, offsetMillis, spanMillis, type WindowOffset } from './window-arguments.ts';
import { WindowAssigner, type WindowAssignerContext } from './window-assigner.ts';

/**
 * Puts each element into the one window `[start, start + size)` containing its timestamp, where window starts
 * are `offset + k * size`. Default trigger: `EventTimeTrigger`.
 *
 * @example
 * // hourly windows: [0:00, 1:00), [1:00, 2:00), ...
 * keyed.window(TumblingEventTimeWindows.of(Time.hours(1)));
 * // daily windows in UTC+8 (a negative offset is given in milliseconds)
 * keyed.window(TumblingEventTimeWindows.of(Time.days(1), -8 * 3_600_000));
 */
export class TumblingEventTimeWindows extends WindowAssigner<unknown, TimeWindow> {
  private constructor(
    private readonly size: number,
    private readonly offset: number,
  ) {
    super();
    if (Math.abs(offset) >= size) {
      throw new IllegalArgumentError(
        `TumblingEventTimeWindows parameters must satisfy abs(offset) < size, got size ${size} ms, offset ${offset} ms`,
      );
    }
  }

  /** Windows of `size`, starting at multiples of `size` from the epoch plus `offset` (0 by default). */
  static of(size: Duration, offset: WindowOffset = 0): TumblingEventTimeWindows {
    return new TumblingEventTimeWindows(spanMillis('size', size), offsetMillis(offset));
  }

  assignWindows(_element: unknown, timestamp: number, _context: WindowAssignerContext): TimeWindow[] {
    if (!(timestamp > Number.NEGATIVE_INFINITY)) throw missingTimestampError();
    const start = TimeWindow.getWindowStartWithOffset(timestamp, this.offset % this.size, this.size);
    return [new TimeWindow(start, start + this.size)];
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

  getOffset(): number {
    return this.offset;
  }

  override toString(): string {
    return `TumblingEventTimeWindows(${this.size})`;
  }
}
