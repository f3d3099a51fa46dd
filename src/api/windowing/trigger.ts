// Trigger: decides when a window is evaluated and purged, from elements, timers and merges (Flink's Trigger).

import { IllegalStateError } from '../../core/errors.ts';
import type { StateDescriptor } from '../../state/state-descriptor.ts';
import type { State } from '../../state/state.ts';
import type { TriggerResult } from './trigger-result.ts';
import type { Window } from './window.ts';

/**
 * What a trigger may do while it runs: read the clocks, (de)register timers for the current key and window, and
 * reach keyed state scoped to the current key and window. The window operator implements it over its keyed
 * state backend and timer service.
 */
export interface TriggerContext {
  getCurrentProcessingTime(): number;
  getCurrentWatermark(): number;
  /** Calls `onEventTime(time, window)` when the watermark passes `time`. Registering twice is one timer. */
  registerEventTimeTimer(time: number): void;
  /** Calls `onProcessingTime(time, window)` when the processing-time clock reaches `time`. */
  registerProcessingTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
  /**
   * The keyed state described by `descriptor` (e.g. a `ReducingStateDescriptor`), scoped to the current key and
   * window (Flink's `getPartitionedState`). It is checkpointed with the operator; clear it in `clear`.
   */
  getPartitionedState<S extends State>(descriptor: StateDescriptor<S>): S;
}

/** The context of `onMerge`: also folds the merged windows' state into the result window's. */
export interface OnMergeContext extends TriggerContext {
  /**
   * Merges the state `descriptor` names of every window that merged into the current (result) window's; the
   * merged windows' entries go away. The state must be mergeable: list, reducing or aggregating.
   */
  mergePartitionedState<S extends State>(descriptor: StateDescriptor<S>): void;
}

/**
 * Decides, per key and window, when to evaluate the window function (`FIRE`) and when to drop the window's
 * contents (`PURGE`). A trigger object is shared by every key and window: keep per-window data in partitioned
 * state through the context, never in fields.
 *
 * @example
 * class EveryElement extends Trigger<unknown, Window> {
 *   onElement() { return TriggerResult.FIRE; }
 *   onEventTime() { return TriggerResult.CONTINUE; }
 *   onProcessingTime() { return TriggerResult.CONTINUE; }
 *   clear() {}
 * }
 */
export abstract class Trigger<T, W extends Window> {
  /** Called for every element added to a window. */
  abstract onElement(element: T, timestamp: number, window: W, ctx: TriggerContext): TriggerResult;
  /** Called when an event-time timer registered for the window fires. */
  abstract onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult;
  /** Called when a processing-time timer registered for the window fires. */
  abstract onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult;
  /** Called when the window is removed: delete timers and state this trigger holds for it. */
  abstract clear(window: W, ctx: TriggerContext): void;

  /** Whether the trigger supports merging windows (required by merging assigners such as session windows). */
  canMerge(): boolean {
    return false;
  }

  /** Called when windows merged into `window`: re-register timers, merge state. */
  onMerge(_window: W, _ctx: OnMergeContext): void {
    throw new IllegalStateError('This trigger does not support merging.');
  }
}
