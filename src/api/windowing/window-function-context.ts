// What window functions reach beyond their elements: keyed state scoped to the window or to the key.

import type { AggregatingStateDescriptor } from '../../state/aggregating-state-descriptor.ts';
import type { ListStateDescriptor } from '../../state/list-state-descriptor.ts';
import type { MapStateDescriptor } from '../../state/map-state-descriptor.ts';
import type { ReducingStateDescriptor } from '../../state/reducing-state-descriptor.ts';
import type { StateDescriptor } from '../../state/state-descriptor.ts';
import type { AggregatingState, ListState, MapState, ReducingState, State, ValueState } from '../../state/state.ts';
import type { ValueStateDescriptor } from '../../state/value-state-descriptor.ts';

/**
 * Keyed state as a window function sees it (Flink's `KeyedStateStore`), scoped by the operator: to the key and the
 * window being evaluated for `windowState()`, to the key alone for `globalState()`. Ask for the state on each call
 * (the scope is set when it is handed out).
 *
 * @example
 * const firings = ctx.windowState().getState(new ValueStateDescriptor<number>('firings', 0));
 * firings.update(firings.value()! + 1);
 */
export interface WindowStateStore {
  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T>;
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  getMapState<UK, UV>(descriptor: MapStateDescriptor<UK, UV>): MapState<UK, UV>;
  getReducingState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T>;
  getAggregatingState<IN, ACC, OUT>(descriptor: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT>;
  /** Any state kind by its descriptor. */
  getPartitionedState<S extends State>(descriptor: StateDescriptor<S>): S;
}
