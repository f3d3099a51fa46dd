// EventTimeSessionWindows: event-time sessions that close after a gap of inactivity; overlapping windows merge.

import { IllegalArgumentError } from '../../core/errors.ts';
import type { Duration } from '../time.ts';
import { DynamicEventTimeSessionWindows } from './dynamic-event-time-session-windows.ts';
import { EventTimeTrigger } from './event-time-trigger.ts';
import type { MergeCallback } from './merge-callback.ts';
import { MergingWindowAssigner } from './merging-window-assigner.ts';
import type { SessionWindowTimeGapExtractor } from './session-window-time-gap-extractor.ts';
import { TimeWindow } from './time-window.ts';
import type { Trigger } from './trigger.ts';
import { missingTimestampError, spanMillis } from './window-arguments.ts';
import type { WindowAssignerContext } from './window-assigner.ts';

/**
 * Gives each element the window `[timestamp, timestamp + gap)`; windows of a key that overlap (or touch) merge,
 * so a session ends once no element arrives for `gap`. Default trigger: `EventTimeTrigger`.
 *
 * @example
 * keyed.window(EventTimeSessionWindows.withGap(Time.minutes(15)));
 * keyed.window(EventTimeSessionWindows.withDynamicGap((click: Click) => (click.premium ? 60_000 : 10_000)));
 */
export class EventTimeSessionWindows extends MergingWindowAssigner<unknown, TimeWindow> {
  private constructor(private readonly sessionTimeout: number) {
    super();
    if (sessionTimeout <= 0) {
      throw new IllegalArgumentError(`EventTimeSessionWindows parameters must satisfy 0 < size, got ${sessionTimeout} ms`);
    }
  }

  static withGap(size: Duration): EventTimeSessionWindows {
    return new EventTimeSessionWindows(spanMillis('session gap', size));
  }

  /** Sessions whose gap depends on the element. */
  static withDynamicGap<T>(sessionWindowTimeGapExtractor: SessionWindowTimeGapExtractor<T>): DynamicEventTimeSessionWindows<T> {
    return DynamicEventTimeSessionWindows.withDynamicGap(sessionWindowTimeGapExtractor);
  }

  assignWindows(_element: unknown, timestamp: number, _context: WindowAssignerContext): TimeWindow[] {
    if (!(timestamp > Number.NEGATIVE_INFINITY)) throw missingTimestampError();
    return [new TimeWindow(timestamp, timestamp + this.sessionTimeout)];
  }

  mergeWindows(windows: Iterable<TimeWindow>, callback: MergeCallback<TimeWindow>): void {
    TimeWindow.mergeWindows(windows, callback);
  }

  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return EventTimeTrigger.create();
  }

  isEventTime(): boolean {
    return true;
  }

  getGap(): number {
    return this.sessionTimeout;
  }

  override toString(): string {
    return `EventTimeSessionWindows(${this.sessionTimeout})`;
  }
}
