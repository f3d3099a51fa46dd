// ContinuousProcessingTimeTrigger: fires every `interval` of processing time while a window has elements.

import { IllegalArgumentError } from '../../core/errors.ts';
import type { Duration } from '../time.ts';
import { ReducingStateDescriptor } from '../../state/reducing-state-descriptor.ts';
import type { ReducingState } from '../../state/state.ts';
import { TriggerResult } from './trigger-result.ts';
import { Trigger, type OnMergeContext, type TriggerContext } from './trigger.ts';
import { spanMillis } from './window-arguments.ts';
import type { Window } from './window.ts';

/**
 * Fires at every multiple of `interval` of processing time (aligned to the epoch, capped at the window's end),
 * starting from the first element. The next fire time lives in a reducing state named `fire-time`.
 *
 * @example
 * stream.keyBy(k).window(GlobalWindows.create()).trigger(ContinuousProcessingTimeTrigger.of(Time.seconds(10)))
 */
export class ContinuousProcessingTimeTrigger<W extends Window = Window> extends Trigger<unknown, W> {
  readonly #stateDesc = new ReducingStateDescriptor<number>('fire-time', (a, b) => Math.min(a, b));

  private constructor(private readonly interval: number) {
    super();
  }

  static of<W extends Window = Window>(interval: Duration): ContinuousProcessingTimeTrigger<W> {
    const ms = spanMillis('interval', interval);
    if (ms <= 0) throw new IllegalArgumentError(`interval must be > 0, got ${ms} ms`);
    return new ContinuousProcessingTimeTrigger<W>(ms);
  }

  getInterval(): number {
    return this.interval;
  }

  onElement(_element: unknown, _timestamp: number, window: W, ctx: TriggerContext): TriggerResult {
    const fireTimestamp = ctx.getPartitionedState(this.#stateDesc);
    const now = ctx.getCurrentProcessingTime();
    if (fireTimestamp.get() === undefined) {
      this.#registerNextFireTimestamp(now - (now % this.interval), window, ctx, fireTimestamp);
    }
    return TriggerResult.CONTINUE;
  }

  onEventTime(_time: number, _window: W, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    const fireTimestamp = ctx.getPartitionedState(this.#stateDesc);
    if (fireTimestamp.get() === time) {
      fireTimestamp.clear();
      this.#registerNextFireTimestamp(time, window, ctx, fireTimestamp);
      return TriggerResult.FIRE;
    }
    return TriggerResult.CONTINUE;
  }

  clear(_window: W, ctx: TriggerContext): void {
    const fireTimestamp = ctx.getPartitionedState(this.#stateDesc);
    const timestamp = fireTimestamp.get();
    if (timestamp !== undefined) {
      ctx.deleteProcessingTimeTimer(timestamp);
      fireTimestamp.clear();
    }
  }

  override canMerge(): boolean {
    return true;
  }

  override onMerge(_window: W, ctx: OnMergeContext): void {
    // The merged windows' fire times fold into the result window's (minimum); their own states go away.
    ctx.mergePartitionedState(this.#stateDesc);
    const nextFireTimestamp = ctx.getPartitionedState(this.#stateDesc).get();
    if (nextFireTimestamp !== undefined) ctx.registerProcessingTimeTimer(nextFireTimestamp);
  }

  override toString(): string {
    return `ContinuousProcessingTimeTrigger(${this.interval})`;
  }

  #registerNextFireTimestamp(time: number, window: W, ctx: TriggerContext, state: ReducingState<number>): void {
    const next = Math.min(time + this.interval, window.maxTimestamp());
    state.add(next);
    ctx.registerProcessingTimeTimer(next);
  }
}
