// ContinuousEventTimeTrigger: fires every `interval` of event time while a window is open, and at its end.

import { IllegalArgumentError } from '../../core/errors.ts';
import type { Duration } from '../time.ts';
import { ReducingStateDescriptor } from '../../state/reducing-state-descriptor.ts';
import type { ReducingState } from '../../state/state.ts';
import { TriggerResult } from './trigger-result.ts';
import { Trigger, type OnMergeContext, type TriggerContext } from './trigger.ts';
import { spanMillis } from './window-arguments.ts';
import type { Window } from './window.ts';

/**
 * Fires at every multiple of `interval` of event time (aligned to the epoch, capped at the window's end) and at
 * `window.maxTimestamp()`. The next fire time lives in a reducing state named `fire-time` (minimum wins on merge).
 *
 * @example
 * stream.keyBy(k).window(TumblingEventTimeWindows.of(Time.hours(1)))
 *   .trigger(ContinuousEventTimeTrigger.of(Time.minutes(5))) // early results every 5 minutes
 */
export class ContinuousEventTimeTrigger<W extends Window = Window> extends Trigger<unknown, W> {
  readonly #stateDesc = new ReducingStateDescriptor<number>('fire-time', (a, b) => Math.min(a, b));

  private constructor(private readonly interval: number) {
    super();
  }

  static of<W extends Window = Window>(interval: Duration): ContinuousEventTimeTrigger<W> {
    const ms = spanMillis('interval', interval);
    if (ms <= 0) throw new IllegalArgumentError(`interval must be > 0, got ${ms} ms`);
    return new ContinuousEventTimeTrigger<W>(ms);
  }

  getInterval(): number {
    return this.interval;
  }

  onElement(_element: unknown, timestamp: number, window: W, ctx: TriggerContext): TriggerResult {
    if (window.maxTimestamp() <= ctx.getCurrentWatermark()) {
      // The watermark is already past the window: fire at once.
      return TriggerResult.FIRE;
    }
    ctx.registerEventTimeTimer(window.maxTimestamp());
    const fireTimestamp = ctx.getPartitionedState(this.#stateDesc);
    if (fireTimestamp.get() === undefined) {
      this.#registerNextFireTimestamp(timestamp - (timestamp % this.interval), window, ctx, fireTimestamp);
    }
    return TriggerResult.CONTINUE;
  }

  onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    if (time === window.maxTimestamp()) return TriggerResult.FIRE;
    const fireTimestampState = ctx.getPartitionedState(this.#stateDesc);
    const fireTimestamp = fireTimestampState.get();
    if (fireTimestamp !== undefined && fireTimestamp === time) {
      fireTimestampState.clear();
      this.#registerNextFireTimestamp(time, window, ctx, fireTimestampState);
      return TriggerResult.FIRE;
    }
    return TriggerResult.CONTINUE;
  }

  onProcessingTime(_time: number, _window: W, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  clear(_window: W, ctx: TriggerContext): void {
    const fireTimestamp = ctx.getPartitionedState(this.#stateDesc);
    const timestamp = fireTimestamp.get();
    if (timestamp !== undefined) {
      ctx.deleteEventTimeTimer(timestamp);
      fireTimestamp.clear();
    }
  }

  override canMerge(): boolean {
    return true;
  }

  override onMerge(_window: W, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(this.#stateDesc);
    const nextFireTimestamp = ctx.getPartitionedState(this.#stateDesc).get();
    if (nextFireTimestamp !== undefined) ctx.registerEventTimeTimer(nextFireTimestamp);
  }

  override toString(): string {
    return `ContinuousEventTimeTrigger(${this.interval})`;
  }

  #registerNextFireTimestamp(time: number, window: W, ctx: TriggerContext, state: ReducingState<number>): void {
    const next = Math.min(time + this.interval, window.maxTimestamp());
    state.add(next);
    ctx.registerEventTimeTimer(next);
  }
}
