// EvictingWindowOperator: the window operator with an Evictor: it keeps every element with its timestamp and lets
// the evictor remove some before and after the window function runs (Flink's EvictingWindowOperator).

import { ListStateDescriptor } from '../../state/list-state-descriptor.ts';
import type { StateDescriptor } from '../../state/state-descriptor.ts';
import type { AppendingState, ListState } from '../../state/state.ts';
import type { OutputTag } from '../output-tag.ts';
import { EvictableList } from '../windowing/evictable-list.ts';
import type { Evictor, EvictorContext } from '../windowing/evictor.ts';
import { TimestampedValue } from '../windowing/timestamped-value.ts';
import type { Trigger } from '../windowing/trigger.ts';
import type { WindowAssigner } from '../windowing/window-assigner.ts';
import type { Window } from '../windowing/window.ts';
import type { InternalWindowFunction } from './internal-window-function.ts';
import { WINDOW_CONTENTS_STATE, WindowOperator } from './window-operator.ts';

/** What an EvictingWindowOperator is built from. */
export interface EvictingWindowOperatorOptions<IN, OUT, K, W extends Window> {
  readonly assigner: WindowAssigner<IN, W>;
  readonly trigger: Trigger<IN, W>;
  readonly evictor: Evictor<IN, W>;
  /** Gets the elements left after `evictBefore` (reduce/aggregate evaluate them at firing time). */
  readonly windowFunction: InternalWindowFunction<Iterable<IN>, OUT, K, W>;
  readonly allowedLateness?: number;
  readonly lateDataOutputTag?: OutputTag<IN> | undefined;
}

/** An element as the contents keep it: plain data, so it survives snapshots and threads. */
type StoredElement<IN> = [value: IN, timestamp: number];

/**
 * A WindowOperator whose contents are all elements with their timestamps. When the trigger fires, the evictor's
 * `evictBefore` sees them, the window function gets what is left, then `evictAfter` runs, and the contents become
 * what the evictor kept. No incremental aggregation: reduce and aggregate run over the kept elements.
 *
 * @example
 * const op = new EvictingWindowOperator({
 *   assigner: GlobalWindows.create(), trigger: CountTrigger.of(2), evictor: CountEvictor.of(3),
 *   windowFunction: iterableWindowFunction((key, w, xs, out) => out.collect([...xs])),
 * });
 */
export class EvictingWindowOperator<K, IN, OUT, W extends Window> extends WindowOperator<K, IN, Iterable<IN>, OUT, W> {
  readonly #evictor: Evictor<IN, W>;
  readonly #evictorContext: EvictorContext = {
    getCurrentProcessingTime: () => this.timers.currentProcessingTime(),
    getCurrentWatermark: () => this.timers.currentWatermark(),
  };

  constructor(options: EvictingWindowOperatorOptions<IN, OUT, K, W>) {
    const contents = new ListStateDescriptor<StoredElement<IN>>(WINDOW_CONTENTS_STATE);
    super({
      ...options,
      // The contents hold [value, timestamp] pairs; addElement and fireWindow below are the only readers and writers.
      windowStateDescriptor: contents as unknown as StateDescriptor<AppendingState<IN, Iterable<IN>>>,
    });
    this.#evictor = options.evictor;
  }

  getEvictor(): Evictor<IN, W> {
    return this.#evictor;
  }

  protected override addElement(value: IN, timestamp: number): void {
    this.#contents().add([value, timestamp]);
  }

  protected override fireWindow(window: W): void {
    const state = this.#contents();
    const elements: TimestampedValue<IN>[] = [];
    for (const [value, timestamp] of state.get()) elements.push(new TimestampedValue(value, timestamp));
    if (elements.length === 0) return;
    const list = new EvictableList(elements);
    const evictor = this.#evictor;
    evictor.evictBefore(list, list.size, window, this.#evictorContext);
    const values = list.toArray().map((e) => e.getValue());
    this.emitWindowContents(window, values);
    evictor.evictAfter(list, list.size, window, this.#evictorContext);
    // Write back what the evictor kept (an empty list clears the window's contents).
    state.update(list.toArray().map((e): StoredElement<IN> => [e.getValue(), e.getTimestamp()]));
  }

  #contents(): ListState<StoredElement<IN>> {
    return this.windowState as unknown as ListState<StoredElement<IN>>;
  }
}
