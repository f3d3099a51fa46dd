// CountTrigger: fires when a window has received a given number of elements since it last fired.

import { IllegalArgumentError } from '../../core/errors.ts';
import { ReducingStateDescriptor } from '../../state/reducing-state-descriptor.ts';
import type { ReducingState } from '../../state/state.ts';
import { TriggerResult } from './trigger-result.ts';
import { Trigger, type OnMergeContext, type TriggerContext } from './trigger.ts';
import type { Window } from './window.ts';

/**
 * Fires each time the window has collected `maxCount` elements, counting in a reducing state named `count`
 * (reset when it fires). Supports merging: the counts of merged windows add up.
 *
 * @example
 * stream.keyBy(k).window(GlobalWindows.create()).trigger(PurgingTrigger.of(CountTrigger.of(100)))
 */
export class CountTrigger<W extends Window = Window> extends Trigger<unknown, W> {
  readonly #stateDesc = new ReducingStateDescriptor<number>('count', (a, b) => a + b);

  private constructor(private readonly maxCount: number) {
    super();
  }

  static of<W extends Window = Window>(maxCount: number): CountTrigger<W> {
    if (!Number.isSafeInteger(maxCount)) throw new IllegalArgumentError(`maxCount must be a whole number, got ${maxCount}`);
    return new CountTrigger<W>(maxCount);
  }

  onElement(_element: unknown, _timestamp: number, _window: W, ctx: TriggerContext): TriggerResult {
    const count = ctx.getPartitionedState(this.#stateDesc);
    count.add(1);
    if ((count.get() ?? 0) >= this.maxCount) {
      count.clear();
      return TriggerResult.FIRE;
    }
    return TriggerResult.CONTINUE;
  }

  onEventTime(_time: number, _window: W, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  onProcessingTime(_time: number, _window: W, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  clear(_window: W, ctx: TriggerContext): void {
    ctx.getPartitionedState(this.#stateDesc).clear();
  }

  override canMerge(): boolean {
    return true;
  }

  override onMerge(_window: W, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(this.#stateDesc);
  }

  override toString(): string {
    return `CountTrigger(${this.maxCount})`;
  }
}
