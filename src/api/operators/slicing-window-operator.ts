// SlicingWindowOperator: event-time tumbling and sliding windows with reduce/aggregate by pane sharing: each record
// goes into one slice accumulator in keyed state, and a window's result merges its slices when it fires.
//
// When WindowedStream uses it (window-operator-builder.ts decides): a TumblingEventTimeWindows or
// SlidingEventTimeWindows assigner, its default EventTimeTrigger, no evictor, `reduce` or `aggregate` (with or
// without a window function), at most MAX_SLICES_PER_WINDOW slices per window, and for sliding windows `reduce`
// only with the built-in sum/min/max/minBy/maxBy (a user ReduceFunction may modify its first argument, which is
// a shared slice here). allowedLateness, late-data side output, numLateRecordsDropped, per-window state of a
// ProcessWindowFunction and its clear() behave as in WindowOperator; everything else runs on WindowOperator.

import { IllegalArgumentError, IllegalStateError } from '../../core/errors.ts';
import { NO_TIMESTAMP } from '../../core/stream-element.ts';
import type { Counter } from '../../metrics/counter.ts';
import type { AggregateFunction } from '../../state/aggregate-function.ts';
import { AggregatingStateDescriptor } from '../../state/aggregating-state-descriptor.ts';
import type { InternalTimerService } from '../../state/internal-timer-service.ts';
import type { InternalTimer } from '../../state/internal-timer.ts';
import { canonicalKey } from '../../state/key-group.ts';
import { ReducingStateDescriptor } from '../../state/reducing-state-descriptor.ts';
import type { StateDescriptor } from '../../state/state-descriptor.ts';
import type { AppendingState, InternalKvState, Namespace } from '../../state/state.ts';
import type { OutputTag } from '../output-tag.ts';
import type { SlidingEventTimeWindows } from '../windowing/sliding-event-time-windows.ts';
import { TimeWindow } from '../windowing/time-window.ts';
import type { TumblingEventTimeWindows } from '../windowing/tumbling-event-time-windows.ts';
import { missingTimestampError } from '../windowing/window-arguments.ts';
import { TIME_WINDOW_SERIALIZER } from '../windowing/window-serializer.ts';
import type { InternalWindowFunction } from './internal-window-function.ts';
import { SlidingWindowStacks } from './sliding-window-stacks.ts';
import { AbstractUdfStreamOperator, TimestampedCollector, type Triggerable } from './stream-operator.ts';
import { WindowProcessContext } from './window-contexts.ts';
import { WINDOW_TIMER_SERVICE } from './window-operator.ts';

/** Beyond this many slices per window (size / gcd(size, slide)) merging costs more than it saves. */
export const MAX_SLICES_PER_WINDOW = 1_000;

export const WINDOW_SLICES_STATE = 'window-slices';

/** Fire timers (window end - 1) live in this namespace, cleanup timers (end - 1 + lateness) in the other. */
const FIRE_NAMESPACE: Namespace = null;
const CLEANUP_NAMESPACE: Namespace = 1;

/** How slices accumulate and combine into a window's value. */
export interface SliceFunctions<IN, ACC, V> {
  /** The keyed state of one slice (namespace: slice start); `get()` must give the raw accumulator. */
  readonly descriptor: StateDescriptor<AppendingState<IN, ACC>>;
  /** Folds a slice into a window's accumulator (undefined at first); must not modify `slice`. */
  merge(window: ACC | undefined, slice: ACC): ACC;
  result(accumulator: ACC): V;
}

/** Slices of an AggregateFunction: accumulators, merged into a fresh accumulator per window. */
export function aggregateSlices<IN, ACC, V>(fn: AggregateFunction<IN, ACC, V>): SliceFunctions<IN, ACC, V> {
  const raw: AggregateFunction<IN, ACC, ACC> = {
    createAccumulator: () => fn.createAccumulator(),
    add: (value, acc) => fn.add(value, acc),
    getResult: (acc) => acc,
    merge: (a, b) => fn.merge(a, b),
  };
  return {
    descriptor: new AggregatingStateDescriptor<IN, ACC, ACC>(WINDOW_SLICES_STATE, raw),
    merge: (window, slice) => fn.merge(window === undefined ? fn.createAccumulator() : window, slice),
    result: (acc) => fn.getResult(acc),
  };
}

/** Slices of a ReduceFunction. Merging passes a slice as first argument: only for reducers that modify nothing. */
export function reduceSlices<T>(reduce: (a: T, b: T) => T): SliceFunctions<T, T, T> {
  return {
    descriptor: new ReducingStateDescriptor<T>(WINDOW_SLICES_STATE, reduce),
    merge: (window, slice) => (window === undefined ? slice : reduce(window, slice)),
    result: (acc) => acc,
  };
}

export interface SlicingWindowOperatorOptions<IN, ACC, V, OUT, K> {
  readonly assigner: TumblingEventTimeWindows | SlidingEventTimeWindows;
  readonly slices: SliceFunctions<IN, ACC, V>;
  readonly windowFunction: InternalWindowFunction<V, OUT, K, TimeWindow>;
  readonly allowedLateness?: number;
  readonly lateDataOutputTag?: OutputTag<IN> | undefined;
}

/**
 * Tumbling or sliding event-time windows aggregated through slices of `gcd(size, slide)`: a record updates ONE
 * slice accumulator in keyed state, whatever the number of windows it belongs to. A key's first record in a slice
 * sets an event-time timer at the end of the slice's first window; when a timer fires, the window's result is the
 * merge of its slices, and the timer of the next window is set if that window has any slice. Slices are deleted when the last window containing them is
 * cleaned up (`maxTimestamp + allowedLateness`). Slices and timers are keyed state and timers of the backend, so
 * they are checkpointed and rescaled by key group. Results equal WindowOperator's with EventTimeTrigger.
 *
 * @example
 * const op = new SlicingWindowOperator({
 *   assigner: SlidingEventTimeWindows.of(10_000, 1_000),
 *   slices: aggregateSlices(average),
 *   windowFunction: passThroughWindowFunction(),
 * });
 */
export class SlicingWindowOperator<K, IN, ACC, V, OUT>
  extends AbstractUdfStreamOperator<IN, OUT, InternalWindowFunction<V, OUT, K, TimeWindow>>
  implements Triggerable
{
  readonly #slices: SliceFunctions<IN, ACC, V>;
  readonly #lateness: number;
  readonly #lateTag: OutputTag<IN> | undefined;
  readonly #size: number;
  readonly #slide: number;
  /** Slice length: gcd(size, slide). */
  readonly #slice: number;
  /** Slice starts are `#sliceOffset + k * #slice`. */
  readonly #sliceOffset: number;
  /** Window ends are `#endAlign + k * #slide`. */
  readonly #endAlign: number;
  readonly #tumbling: boolean;

  #state!: AppendingState<IN, ACC> & InternalKvState;
  #timers!: InternalTimerService;
  #processContext!: WindowProcessContext<TimeWindow>;
  #collector!: TimestampedCollector<OUT>;
  #numLateRecordsDropped: Counter | undefined;
  /** Set by #windowValue: the window has a slice that the next window contains too. */
  #carriesOver = false;
  /**
   * Sliding windows: per key (canonical form), the slices of its last fired window as a two-stack queue, so the
   * next window merges a few accumulators. A cache: rebuilt from state when missing, e.g. after a restore.
   */
  readonly #stacks = new Map<unknown, SlidingWindowStacks<ACC>>();
  /** The largest window end fired so far: only records in slices before it can touch a cached slice. */
  #maxFiredEnd = Number.NEGATIVE_INFINITY;

  constructor(options: SlicingWindowOperatorOptions<IN, ACC, V, OUT, K>) {
    super(options.windowFunction);
    const lateness = options.allowedLateness ?? 0;
    if (!(lateness >= 0)) throw new IllegalArgumentError(`The allowed lateness cannot be negative, got ${lateness} ms`);
    const { size, slide, offset } = slicingOf(options.assigner);
    this.#slices = options.slices;
    this.#lateness = lateness;
    this.#lateTag = options.lateDataOutputTag;
    this.#size = size;
    this.#slide = slide;
    this.#slice = gcd(size, slide);
    this.#sliceOffset = mod(offset, this.#slice);
    this.#endAlign = mod(offset + size, slide);
    this.#tumbling = size === slide;
    if (size / this.#slice > MAX_SLICES_PER_WINDOW) {
      throw new IllegalArgumentError(
        `windows of ${size} ms sliding by ${slide} ms need ${size / this.#slice} slices each, more than ` +
          `${MAX_SLICES_PER_WINDOW}: use WindowOperator`,
      );
    }
  }

  /** Slice length in milliseconds: gcd(size, slide). */
  get sliceSize(): number {
    return this.#slice;
  }

  get numLateRecordsDropped(): Counter {
    if (this.#numLateRecordsDropped === undefined) throw new IllegalStateError('the window operator is not open yet');
    return this.#numLateRecordsDropped;
  }

  override async open(): Promise<void> {
    this.#collector = new TimestampedCollector(this.output, NO_TIMESTAMP);
    this.#numLateRecordsDropped = this.context.runtimeContext.getMetricGroup().counter('numLateRecordsDropped');
    const backend = this.getKeyedStateBackend();
    this.#timers = this.getInternalTimerService(WINDOW_TIMER_SERVICE, this);
    this.#state = backend.getPartitionedState(this.#slices.descriptor);
    this.#processContext = new WindowProcessContext<TimeWindow>(backend, this.#timers, this.output, TIME_WINDOW_SERIALIZER, false);
    await super.open();
  }

  processElement(value: IN, timestamp: number): void {
    if (!(timestamp > NO_TIMESTAMP)) throw missingTimestampError();
    const s = alignDown(timestamp, this.#sliceOffset, this.#slice);
    const first = this.#tumbling ? s + this.#size : alignDown(s, this.#endAlign, this.#slide) + this.#slide;
    const last = this.#tumbling ? first : alignDown(s + this.#size, this.#endAlign, this.#slide);
    const wm = this.#timers.currentWatermark();
    const lateness = this.#lateness;
    if (last < first || last - 1 + lateness <= wm) {
      // In no window, or every window was cleaned up already.
      if (timestamp + lateness <= wm) {
        if (this.#lateTag !== undefined) this.output.collectSide(this.#lateTag, value, timestamp);
        else this.#numLateRecordsDropped!.inc();
      }
      return;
    }
    // A record for a slice that may sit in this key's stacks makes them stale.
    if (s < this.#maxFiredEnd && !this.#tumbling) this.#stacks.delete(canonicalKey(this.getCurrentKey()));
    const state = this.#state;
    state.setCurrentNamespace(s);
    const isNew = state.get() === undefined;
    state.add(value);
    if (isNew) {
      // The key's timer chain must reach the first window of this slice that has not fired.
      const end = first - 1 <= wm ? this.#firstEndAfter(wm) : first;
      if (end <= last) this.#timers.registerEventTimeTimer(FIRE_NAMESPACE, end - 1);
    }
    if (lateness > 0 && first - 1 <= wm) this.#lateFirings(first, last, wm);
  }

  onEventTime(timer: InternalTimer): void {
    const end = timer.timestamp + 1;
    if (timer.namespace === CLEANUP_NAMESPACE) {
      this.#cleanup(end - this.#lateness);
      return;
    }
    const result = this.#tumbling ? this.#windowValue(end) : this.#slidingWindowValue(end);
    if (result !== undefined) {
      this.#emit(end, result);
      if (this.#lateness === 0) this.#cleanup(end);
      else this.#timers.registerEventTimeTimer(CLEANUP_NAMESPACE, end - 1 + this.#lateness);
    }
    // Slices that start in the next window registered its timer themselves; older ones carry over from here.
    if (this.#carriesOver) this.#timers.registerEventTimeTimer(FIRE_NAMESPACE, end + this.#slide - 1);
  }

  onProcessingTime(_timer: InternalTimer): void {}

  /** A late element (within lateness) updated windows that fired already: fire them again, latest start first. */
  #lateFirings(first: number, last: number, wm: number): void {
    const lateness = this.#lateness;
    let end = Math.min(last, alignDown(Math.floor(wm) + 1, this.#endAlign, this.#slide));
    for (; end >= first && end - 1 + lateness > wm; end -= this.#slide) {
      const result = this.#windowValue(end);
      if (result === undefined) continue;
      this.#emit(end, result);
      this.#timers.registerEventTimeTimer(CLEANUP_NAMESPACE, end - 1 + lateness);
    }
  }

  /**
   * The merged value of the window ending at `end` (undefined when it has no slice); sets `#carriesOver` when one
   * of its slices is in the next window too.
   */
  #windowValue(end: number): V | undefined {
    const state = this.#state;
    const fns = this.#slices;
    this.#carriesOver = false;
    if (this.#tumbling) {
      state.setCurrentNamespace(end - this.#size);
      const acc = state.get();
      return acc === undefined ? undefined : fns.result(acc);
    }
    const nextStart = end + this.#slide - this.#size;
    let merged: ACC | undefined;
    for (let s = end - this.#size; s < end; s += this.#slice) {
      state.setCurrentNamespace(s);
      const acc = state.get();
      if (acc === undefined) continue;
      merged = fns.merge(merged, acc);
      if (s >= nextStart) this.#carriesOver = true;
    }
    return merged === undefined ? undefined : fns.result(merged);
  }

  /**
   * #windowValue for the chain of a key's sliding windows: through the key's stacks, pushing the slices that
   * entered the window and dropping those that left.
   */
  #slidingWindowValue(end: number): V | undefined {
    const key = canonicalKey(this.getCurrentKey());
    const start = end - this.#size;
    let stacks = this.#stacks.get(key);
    if (stacks === undefined || stacks.pushedUntil < start || stacks.pushedUntil > end) {
      stacks = new SlidingWindowStacks<ACC>(this.#slices as SliceFunctions<unknown, ACC, unknown>, start);
      this.#stacks.set(key, stacks);
    }
    const state = this.#state;
    for (let s = stacks.pushedUntil; s < end; s += this.#slice) {
      state.setCurrentNamespace(s);
      const acc = state.get();
      if (acc !== undefined) stacks.push(s, acc);
    }
    stacks.pushedUntil = end;
    stacks.evictBefore(start);
    const merged = stacks.value();
    stacks.evictBefore(end + this.#slide - this.#size);
    this.#carriesOver = !stacks.isEmpty();
    if (!this.#carriesOver) this.#stacks.delete(key);
    if (end > this.#maxFiredEnd) this.#maxFiredEnd = end;
    return merged === undefined ? undefined : this.#slices.result(merged);
  }

  #emit(end: number, result: V): void {
    const window = new TimeWindow(end - this.#size, end);
    this.#collector.timestamp = end - 1;
    this.#processContext.setWindow(window);
    this.userFunction.process(this.getCurrentKey() as K, window, this.#processContext, result, this.#collector);
  }

  /**
   * The window ending at `end` is gone: the function's clear() and per-window state, and the slices no later
   * window contains (those before the next window's start).
   */
  #cleanup(end: number): void {
    const fn = this.userFunction;
    const ctx = this.#processContext;
    if (fn.clears || ctx.usesWindowState) {
      const window = new TimeWindow(end - this.#size, end);
      ctx.setWindow(window);
      fn.clear(window, ctx);
      ctx.clearWindowState();
    }
    const state = this.#state;
    const until = end + this.#slide - this.#size;
    for (let s = end - this.#size; s < until; s += this.#slice) {
      state.setCurrentNamespace(s);
      state.clear();
    }
  }

  /** The smallest window end E with E - 1 > watermark. */
  #firstEndAfter(watermark: number): number {
    return alignDown(Math.floor(watermark) + 1, this.#endAlign, this.#slide) + this.#slide;
  }
}

/** Size, slide and offset of a tumbling or sliding event-time assigner. */
function slicingOf(assigner: TumblingEventTimeWindows | SlidingEventTimeWindows): { size: number; slide: number; offset: number } {
  const size = assigner.getSize();
  const slide = 'getSlide' in assigner ? assigner.getSlide() : size;
  return { size, slide, offset: assigner.getOffset() };
}

/** The largest `offset + k * step` <= `t` (Flink's window start formula). */
function alignDown(t: number, offset: number, step: number): number {
  const r = (t - offset) % step;
  return r < 0 ? t - (r + step) : t - r;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function mod(a: number, m: number): number {
  const r = a % m;
  return r < 0 ? r + m : r;
}
