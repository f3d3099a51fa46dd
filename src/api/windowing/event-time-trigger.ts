// EventTimeTrigger: fires once the watermark passes the end of the window (the default of event-time assigners).

import { TriggerResult } from './trigger-result.ts';
import { Trigger, type OnMergeContext, type TriggerContext } from './trigger.ts';
import type { TimeWindow } from './time-window.ts';

/**
 * Fires when the watermark passes `window.maxTimestamp()`; an element arriving for a window the watermark has
 * already passed fires it at once. Supports merging.
 *
 * @example
 * stream.keyBy(k).window(TumblingEventTimeWindows.of(Time.seconds(5))).trigger(EventTimeTrigger.create())
 */
export class EventTimeTrigger extends Trigger<unknown, TimeWindow> {
  private constructor() {
    super();
  }

  static create(): EventTimeTrigger {
    return new EventTimeTrigger();
  }

  onElement(_element: unknown, _timestamp: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    if (window.maxTimestamp() <= ctx.getCurrentWatermark()) return TriggerResult.FIRE;
    ctx.registerEventTimeTimer(window.maxTimestamp());
    return TriggerResult.CONTINUE;
  }

  onEventTime(time: number, window: TimeWindow, _ctx: TriggerContext): TriggerResult {
    return time === window.maxTimestamp() ? TriggerResult.FIRE : TriggerResult.CONTINUE;
  }

  onProcessingTime(_time: number, _window: TimeWindow, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  clear(window: TimeWindow, ctx: TriggerContext): void {
    ctx.deleteEventTimeTimer(window.maxTimestamp());
  }

  override canMerge(): boolean {
    return true;
  }

  override onMerge(window: TimeWindow, ctx: OnMergeContext): void {
    // Only register a timer if the watermark has not passed the merged window yet: a timer in the past would fire
    // at once, and the window fires anyway on its next element (see onElement).
    const max = window.maxTimestamp();
    if (max > ctx.getCurrentWatermark()) ctx.registerEventTimeTimer(max);
  }

  override toString(): string {
    return 'EventTimeTrigger()';
  }
}
