// DynamicProcessingTimeSessionWindows: processing-time sessions whose gap each element sets.

import { IllegalArgumentError } from '../../core/errors.ts';
import type { MergeCallback } from './merge-callback.ts';
import { MergingWindowAssigner } from './merging-window-assigner.ts';
import { ProcessingTimeTrigger } from './processing-time-trigger.ts';
import { toGapExtractor, type SessionWindowTimeGapExtractor } from './session-window-time-gap-extractor.ts';
import { TimeWindow } from './time-window.ts';
import type { Trigger } from './trigger.ts';
import type { WindowAssignerContext } from './window-assigner.ts';

/**
 * Gives each element the window `[now, now + gap(element))` by the processing-time clock; overlapping windows
 * of a key merge. Default trigger: `ProcessingTimeTrigger`.
 *
 * @example
 * keyed.window(DynamicProcessingTimeSessionWindows.withDynamicGap((e: Event) => e.idleTimeoutMs));
 */
export class DynamicProcessingTimeSessionWindows<T> extends MergingWindowAssigner<T, TimeWindow> {
  readonly #gap: (element: T) => number;

  private constructor(extractor: SessionWindowTimeGapExtractor<T>) {
    super();
    this.#gap = toGapExtractor(extractor);
  }

  static withDynamicGap<T>(
    sessionWindowTimeGapExtractor: SessionWindowTimeGapExtractor<T>,
  ): DynamicProcessingTimeSessionWindows<T> {
    return new DynamicProcessingTimeSessionWindows(sessionWindowTimeGapExtractor);
  }

  assignWindows(element: T, _timestamp: number, context: WindowAssignerContext): TimeWindow[] {
    const now = context.getCurrentProcessingTime();
    const sessionTimeout = this.#gap(element);
    if (!(sessionTimeout > 0)) {
      throw new IllegalArgumentError(`Dynamic session time gap must satisfy 0 < gap, got ${sessionTimeout}`);
    }
    return [new TimeWindow(now, now + sessionTimeout)];
  }

  mergeWindows(windows: Iterable<TimeWindow>, callback: MergeCallback<TimeWindow>): void {
    TimeWindow.mergeWindows(windows, callback);
  }

  getDefaultTrigger(): Trigger<T, TimeWindow> {
    return ProcessingTimeTrigger.create();
  }

  isEventTime(): boolean {
    return false;
  }

  override toString(): string {
    return 'DynamicProcessingTimeSessionWindows()';
  }
}
