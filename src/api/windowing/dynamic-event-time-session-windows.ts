// DynamicEventTimeSessionWindows: event-time sessions whose gap each element sets through an extractor.

import { IllegalArgumentError } from '../../core/errors.ts';
import { EventTimeTrigger } from './event-time-trigger.ts';
import type { MergeCallback } from './merge-callback.ts';
import { MergingWindowAssigner } from './merging-window-assigner.ts';
import { toGapExtractor, type SessionWindowTimeGapExtractor } from './session-window-time-gap-extractor.ts';
import { TimeWindow } from './time-window.ts';
import type { Trigger } from './trigger.ts';
import { missingTimestampError } from './window-arguments.ts';
import type { WindowAssignerContext } from './window-assigner.ts';

/**
 * Gives each element the window `[timestamp, timestamp + gap(element))`; overlapping windows of a key merge.
 * Default trigger: `EventTimeTrigger`.
 *
 * @example
 * keyed.window(DynamicEventTimeSessionWindows.withDynamicGap((e: Event) => e.idleTimeoutMs));
 */
export class DynamicEventTimeSessionWindows<T> extends MergingWindowAssigner<T, TimeWindow> {
  readonly #gap: (element: T) => number;

  private constructor(extractor: SessionWindowTimeGapExtractor<T>) {
    super();
    this.#gap = toGapExtractor(extractor);
  }

  static withDynamicGap<T>(sessionWindowTimeGapExtractor: SessionWindowTimeGapExtractor<T>): DynamicEventTimeSessionWindows<T> {
    return new DynamicEventTimeSessionWindows(sessionWindowTimeGapExtractor);
  }

  assignWindows(element: T, timestamp: number, _context: WindowAssignerContext): TimeWindow[] {
    if (!(timestamp > Number.NEGATIVE_INFINITY)) throw missingTimestampError();
    const sessionTimeout = this.#gap(element);
    if (!(sessionTimeout > 0)) {
      throw new IllegalArgumentError(`Dynamic session time gap must satisfy 0 < gap, got ${sessionTimeout}`);
    }
    return [new TimeWindow(timestamp, timestamp + sessionTimeout)];
  }

  mergeWindows(windows: Iterable<TimeWindow>, callback: MergeCallback<TimeWindow>): void {
    TimeWindow.mergeWindows(windows, callback);
  }

  getDefaultTrigger(): Trigger<T, TimeWindow> {
    return EventTimeTrigger.create();
  }

  isEventTime(): boolean {
    return true;
  }

  override toString(): string {
    return 'DynamicEventTimeSessionWindows()';
  }
}
