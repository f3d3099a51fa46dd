// TumblingProcessingTimeWindows: fixed-size, non-overlapping windows by the processing-time clock.

import { IllegalArgumentError } from '../../core/errors.ts';
import type { Duration } from '../time.ts';
import { ProcessingTimeTrigger } from './processing-time-trigger.ts';
import { TimeWindow } from './time-window.ts';
import type { Trigger } from './trigger.ts';
import { offsetMillis, spanMillis, type WindowOffset } from './window-arguments.ts';
import { WindowAssigner, type WindowAssignerContext } from './window-assigner.ts';

/**
 * Puts each element into the window `[start, start + size)` containing the current processing time, where
 * window starts are `offset + k * size`. Default trigger: `ProcessingTimeTrigger`.
 *
 * @example
 * keyed.window(TumblingProcessingTimeWindows.of(Time.seconds(10)));
 */
export class TumblingProcessingTimeWindows extends WindowAssigner<unknown, TimeWindow> {
  private constructor(
    private readonly size: number,
    private readonly offset: number,
  ) {
    super();
    if (Math.abs(offset) >= size) {
      throw new IllegalArgumentError(
        `TumblingProcessingTimeWindows parameters must satisfy abs(offset) < size, got size ${size} ms, offset ${offset} ms`,
      );
    }
  }

  static of(size: Duration, offset: WindowOffset = 0): TumblingProcessingTimeWindows {
    return new TumblingProcessingTimeWindows(spanMillis('size', size), offsetMillis(offset));
  }

  assignWindows(_element: unknown, _timestamp: number, context: WindowAssignerContext): TimeWindow[] {
    const now = context.getCurrentProcessingTime();
    const start = TimeWindow.getWindowStartWithOffset(now, this.offset % this.size, this.size);
    return [new TimeWindow(start, start + this.size)];
  }

  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return ProcessingTimeTrigger.create();
  }

  isEventTime(): boolean {
    return false;
  }

  getSize(): number {
    return this.size;
  }

  getOffset(): number {
    return this.offset;
  }

  override toString(): string {
    return `TumblingProcessingTimeWindows(${this.size})`;
  }
}
