// ProcessingTimeSessionWindows: processing-time sessions that close after a gap of inactivity.

import { IllegalArgumentError } from '../../core/errors.ts';
import type { Duration } from '../time.ts';
import { DynamicProcessingTimeSessionWindows } from './dynamic-processing-time-session-windows.ts';
import type { MergeCallback } from './merge-callback.ts';
import { MergingWindowAssigner } from './merging-window-assigner.ts';
import { ProcessingTimeTrigger } from './processing-time-trigger.ts';
import type { SessionWindowTimeGapExtractor } from './session-window-time-gap-extractor.ts';
import { TimeWindow } from './time-window.ts';
import type { Trigger } from './trigger.ts';
import { spanMillis } from './window-arguments.ts';
import type { WindowAssignerContext } from './window-assigner.ts';

/**
 * Gives each element the window `[now, now + gap)` by the processing-time clock; overlapping windows of a key
 * merge. Default trigger: `ProcessingTimeTrigger`.
 *
 * @example
 * keyed.window(ProcessingTimeSessionWindows.withGap(Time.seconds(30)));
 */
export class ProcessingTimeSessionWindows extends MergingWindowAssigner<unknown, TimeWindow> {
  private constructor(private readonly sessionTimeout: number) {
    super();
    if (sessionTimeout <= 0) {
      throw new IllegalArgumentError(`ProcessingTimeSessionWindows parameters must satisfy 0 < size, got ${sessionTimeout} ms`);
    }
  }

  static withGap(size: Duration): ProcessingTimeSessionWindows {
    return new ProcessingTimeSessionWindows(spanMillis('session gap', size));
  }

  static withDynamicGap<T>(
    sessionWindowTimeGapExtractor: SessionWindowTimeGapExtractor<T>,
  ): DynamicProcessingTimeSessionWindows<T> {
    return DynamicProcessingTimeSessionWindows.withDynamicGap(sessionWindowTimeGapExtractor);
  }

  assignWindows(_element: unknown, _timestamp: number, context: WindowAssignerContext): TimeWindow[] {
    const now = context.getCurrentProcessingTime();
    return [new TimeWindow(now, now + this.sessionTimeout)];
  }

  mergeWindows(windows: Iterable<TimeWindow>, callback: MergeCallback<TimeWindow>): void {
    TimeWindow.mergeWindows(windows, callback);
  }

  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return ProcessingTimeTrigger.create();
  }

  isEventTime(): boolean {
    return false;
  }

  getGap(): number {
    return this.sessionTimeout;
  }

  override toString(): string {
    return `ProcessingTimeSessionWindows(${this.sessionTimeout})`;
  }
}
