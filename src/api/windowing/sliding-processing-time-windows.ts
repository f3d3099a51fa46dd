// SlidingProcessingTimeWindows: windows of `size` starting every `slide` of processing time.

import { IllegalArgumentError } from '../../core/errors.ts';
import type { Duration } from '../time.ts';
import { ProcessingTimeTrigger } from './processing-time-trigger.ts';
import { slidingWindows } from './sliding-event-time-windows.ts';
import type { TimeWindow } from './time-window.ts';
import type { Trigger } from './trigger.ts';
import { offsetMillis, spanMillis, type WindowOffset } from './window-arguments.ts';
import { WindowAssigner, type WindowAssignerContext } from './window-assigner.ts';

/**
 * Puts each element into every window `[start, start + size)` containing the current processing time, where
 * window starts are `offset + k * slide`. Default trigger: `ProcessingTimeTrigger`.
 *
 * @example
 * keyed.window(SlidingProcessingTimeWindows.of(Time.minutes(1), Time.seconds(10)));
 */
export class SlidingProcessingTimeWindows extends WindowAssigner<unknown, TimeWindow> {
  private constructor(
    private readonly size: number,
    private readonly slide: number,
    private readonly offset: number,
  ) {
    super();
    if (Math.abs(offset) >= slide || size <= 0) {
      throw new IllegalArgumentError(
        `SlidingProcessingTimeWindows parameters must satisfy abs(offset) < slide and size > 0, ` +
          `got size ${size} ms, slide ${slide} ms, offset ${offset} ms`,
      );
    }
  }

  static of(size: Duration, slide: Duration, offset: WindowOffset = 0): SlidingProcessingTimeWindows {
    return new SlidingProcessingTimeWindows(spanMillis('size', size), spanMillis('slide', slide), offsetMillis(offset));
  }

  assignWindows(_element: unknown, _timestamp: number, context: WindowAssignerContext): TimeWindow[] {
    return slidingWindows(context.getCurrentProcessingTime(), this.size, this.slide, this.offset);
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

  getSlide(): number {
    return this.slide;
  }

  getOffset(): number {
    return this.offset;
  }

  override toString(): string {
    return `SlidingProcessingTimeWindows(${this.size}, ${this.slide})`;
  }
}
