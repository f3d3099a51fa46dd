// ProcessingTimeTrigger: fires when the processing-time clock passes the end of the window.

import { TriggerResult } from './trigger-result.ts';
import { Trigger, type OnMergeContext, type TriggerContext } from './trigger.ts';
import type { TimeWindow } from './time-window.ts';

/**
 * Fires when processing time reaches `window.maxTimestamp()` (the default of processing-time assigners).
 * Supports merging.
 *
 * @example
 * stream.keyBy(k).window(TumblingProcessingTimeWindows.of(Time.seconds(5))).trigger(ProcessingTimeTrigger.create())
 */
export class ProcessingTimeTrigger extends Trigger<unknown, TimeWindow> {
  private constructor() {
    super();
  }

  static create(): ProcessingTimeTrigger {
    return new ProcessingTimeTrigger();
  }

  onElement(_element: unknown, _timestamp: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    ctx.registerProcessingTimeTimer(window.maxTimestamp());
    return TriggerResult.CONTINUE;
  }

  onEventTime(_time: number, _window: TimeWindow, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  onProcessingTime(_time: number, _window: TimeWindow, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.FIRE;
  }

  clear(window: TimeWindow, ctx: TriggerContext): void {
    ctx.deleteProcessingTimeTimer(window.maxTimestamp());
  }

  override canMerge(): boolean {
    return true;
  }

  override onMerge(window: TimeWindow, ctx: OnMergeContext): void {
    const max = window.maxTimestamp();
    if (max > ctx.getCurrentProcessingTime()) ctx.registerProcessingTimeTimer(max);
  }

  override toString(): string {
    return 'ProcessingTimeTrigger()';
  }
}
