// WindowOperatorBuilder: what keyBy().window() and windowAll() collect (assigner, trigger, evictor, lateness, late
// tag) and how they become an operator: SlicingWindowOperator, EvictingWindowOperator or WindowOperator.

import { IllegalArgumentError } from '../../core/errors.ts';
import type { AggregateFunction } from '../../state/aggregate-function.ts';
import { AggregatingStateDescriptor } from '../../state/aggregating-state-descriptor.ts';
import { ListStateDescriptor } from '../../state/list-state-descriptor.ts';
import { ReducingStateDescriptor } from '../../state/reducing-state-descriptor.ts';
import type { OutputTag } from '../output-tag.ts';
import { EventTimeTrigger } from '../windowing/event-time-trigger.ts';
import type { Evictor } from '../windowing/evictor.ts';
import { isMergingWindowAssigner } from '../windowing/merging-window-assigner.ts';
import { SlidingEventTimeWindows } from '../windowing/sliding-event-time-windows.ts';
import type { TimeWindow } from '../windowing/time-window.ts';
import type { Trigger } from '../windowing/trigger.ts';
import { TumblingEventTimeWindows } from '../windowing/tumbling-event-time-windows.ts';
import type { WindowAssigner } from '../windowing/window-assigner.ts';
import type { Window } from '../windowing/window.ts';
import { EvictingWindowOperator } from './evicting-window-operator.ts';
import { aggregateThen, reduceThen, type InternalWindowFunction } from './internal-window-function.ts';
import {
  aggregateSlices,
  MAX_SLICES_PER_WINDOW,
  reduceSlices,
  SlicingWindowOperator,
  type SliceFunctions,
} from './slicing-window-operator.ts';
import type { AbstractStreamOperator } from './stream-operator.ts';
import { WINDOW_CONTENTS_STATE, WindowOperator } from './window-operator.ts';

/** An operator name and a factory that makes one operator (with its own function instances) per subtask. */
export interface WindowOperatorPlan {
  readonly name: string;
  readonly factory: () => AbstractStreamOperator<unknown>;
  /** Which operator runs: 'slicing' (pane sharing), 'evicting' or 'general'. */
  readonly kind: 'slicing' | 'evicting' | 'general';
}

/** Makes a fresh window function per subtask. */
export type WindowFunctionFactory<IN, OUT, K, W extends Window> = () => InternalWindowFunction<IN, OUT, K, W>;

/**
 * The settings of a windowed stream and the choice of operator (Flink's WindowOperatorBuilder). Pane sharing
 * (SlicingWindowOperator) runs `reduce`/`aggregate` on tumbling and sliding event-time windows with the default
 * EventTimeTrigger and no evictor; with an evictor everything runs on EvictingWindowOperator; the rest on
 * WindowOperator.
 */
export class WindowOperatorBuilder<T, K, W extends Window> {
  trigger: Trigger<T, W>;
  evictor: Evictor<T, W> | null = null;
  allowedLateness = 0;
  lateDataOutputTag: OutputTag<T> | undefined = undefined;

  constructor(
    readonly assigner: WindowAssigner<T, W>,
    /** 'Window' for keyed windows, 'AllWindow' for windowAll. */
    private readonly label: string = 'Window',
  ) {
    this.trigger = assigner.getDefaultTrigger();
  }

  setTrigger(trigger: Trigger<T, W>): void {
    if (isMergingWindowAssigner(this.assigner) && !trigger.canMerge()) {
      throw new IllegalArgumentError(
        `A merging window assigner cannot be used with a trigger that does not support merging: ` +
          `${String(this.assigner)} with ${name(trigger)}`,
      );
    }
    this.trigger = trigger;
  }

  setEvictor(evictor: Evictor<T, W>): void {
    this.evictor = evictor;
  }

  setAllowedLateness(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new IllegalArgumentError(`The allowed lateness cannot be negative, got ${ms} ms`);
    this.allowedLateness = ms;
  }

  /**
   * `reduce`, with `windowFn` getting the reduced value. `pureReduce`: the reducer modifies neither argument (the
   * built-in aggregations), so sliding windows may share slices.
   */
  reduce<OUT>(
    reduceFn: () => (a: T, b: T) => T,
    windowFn: WindowFunctionFactory<T, OUT, K, W>,
    functionNames: readonly string[],
    pureReduce = false,
  ): WindowOperatorPlan {
    const opName = this.#name(functionNames);
    const base = this.#settings();
    if (this.evictor !== null) {
      const evictor = this.evictor;
      return {
        name: opName,
        kind: 'evicting',
        factory: () => new EvictingWindowOperator<K, T, OUT, W>({ ...base, evictor, windowFunction: reduceThen(reduceFn(), windowFn()) }),
      };
    }
    if (this.#slicing(pureReduce)) {
      return this.#slicingPlan(opName, () => reduceSlices(reduceFn()), windowFn as unknown as WindowFunctionFactory<T, OUT, K, TimeWindow>);
    }
    return {
      name: opName,
      kind: 'general',
      factory: () =>
        new WindowOperator<K, T, T, OUT, W>({
          ...base,
          windowStateDescriptor: new ReducingStateDescriptor<T>(WINDOW_CONTENTS_STATE, reduceFn()),
          windowFunction: windowFn(),
        }),
    };
  }

  /** `aggregate`, with `windowFn` getting the aggregate's result. */
  aggregate<ACC, V, OUT>(
    aggregateFn: () => AggregateFunction<T, ACC, V>,
    windowFn: WindowFunctionFactory<V, OUT, K, W>,
    functionNames: readonly string[],
  ): WindowOperatorPlan {
    const opName = this.#name(functionNames);
    const base = this.#settings();
    if (this.evictor !== null) {
      const evictor = this.evictor;
      return {
        name: opName,
        kind: 'evicting',
        factory: () =>
          new EvictingWindowOperator<K, T, OUT, W>({ ...base, evictor, windowFunction: aggregateThen(aggregateFn(), windowFn()) }),
      };
    }
    if (this.#slicing(true)) {
      return this.#slicingPlan(opName, () => aggregateSlices(aggregateFn()), windowFn as unknown as WindowFunctionFactory<V, OUT, K, TimeWindow>);
    }
    return {
      name: opName,
      kind: 'general',
      factory: () =>
        new WindowOperator<K, T, V, OUT, W>({
          ...base,
          windowStateDescriptor: new AggregatingStateDescriptor<T, ACC, V>(WINDOW_CONTENTS_STATE, aggregateFn()),
          windowFunction: windowFn(),
        }),
    };
  }

  /** `process`/`apply`: the window function gets every element of the window. */
  process<OUT>(windowFn: WindowFunctionFactory<Iterable<T>, OUT, K, W>, functionNames: readonly string[]): WindowOperatorPlan {
    const opName = this.#name(functionNames);
    const base = this.#settings();
    if (this.evictor !== null) {
      const evictor = this.evictor;
      return {
        name: opName,
        kind: 'evicting',
        factory: () => new EvictingWindowOperator<K, T, OUT, W>({ ...base, evictor, windowFunction: windowFn() }),
      };
    }
    return {
      name: opName,
      kind: 'general',
      factory: () =>
        new WindowOperator<K, T, Iterable<T>, OUT, W>({
          ...base,
          windowStateDescriptor: new ListStateDescriptor<T>(WINDOW_CONTENTS_STATE),
          windowFunction: windowFn(),
        }),
    };
  }

  #settings() {
    return {
      assigner: this.assigner,
      trigger: this.trigger,
      allowedLateness: this.allowedLateness,
      lateDataOutputTag: this.lateDataOutputTag,
    };
  }

  /** Whether pane sharing applies (see the file comment of slicing-window-operator.ts). */
  #slicing(mergeableWithoutCopies: boolean): boolean {
    const a = this.assigner as unknown;
    if (this.evictor !== null || !(this.trigger instanceof EventTimeTrigger)) return false;
    if (a instanceof TumblingEventTimeWindows) return true;
    if (!(a instanceof SlidingEventTimeWindows) || !mergeableWithoutCopies) return false;
    const size = a.getSize();
    const slide = a.getSlide();
    return size / gcd(size, slide) <= MAX_SLICES_PER_WINDOW;
  }

  #slicingPlan<ACC, V, OUT>(
    opName: string,
    slices: () => SliceFunctions<T, ACC, V>,
    windowFn: WindowFunctionFactory<V, OUT, K, TimeWindow>,
  ): WindowOperatorPlan {
    const assigner = this.assigner as unknown as TumblingEventTimeWindows | SlidingEventTimeWindows;
    const { allowedLateness, lateDataOutputTag } = this;
    return {
      name: opName,
      kind: 'slicing',
      factory: () =>
        new SlicingWindowOperator<K, T, ACC, V, OUT>({
          assigner,
          slices: slices(),
          windowFunction: windowFn(),
          allowedLateness,
          lateDataOutputTag,
        }),
    };
  }

  /**
   * Flink's operator description, `Window(assigner, Trigger[, Evictor], functions)`, kept within the 80 characters
   * metric scopes allow for operator names: without trigger and evictor if too long, else cut.
   */
  #name(functionNames: readonly string[]): string {
    const fns = functionNames.filter((n) => n !== 'PassThroughWindowFunction');
    const settings = [name(this.trigger), ...(this.evictor === null ? [] : [name(this.evictor)])];
    const full = `${this.label}(${[String(this.assigner), ...settings, ...fns].join(', ')})`;
    if (full.length <= MAX_NAME_LENGTH) return full;
    const short = `${this.label}(${[String(this.assigner), ...fns].join(', ')})`;
    return short.length <= MAX_NAME_LENGTH ? short : `${short.slice(0, MAX_NAME_LENGTH - 2)}…)`;
  }
}

/** Operator names longer than this are truncated (with a warning) in metric scopes. */
const MAX_NAME_LENGTH = 80;

/** The class name of an object, or a function's own name, else `fallback`. */
export function functionName(fn: unknown, fallback: string): string {
  if (typeof fn === 'function') return fn.name !== '' ? fn.name : fallback;
  const ctor = (fn as { constructor?: { name?: string } } | null)?.constructor;
  return ctor !== undefined && ctor !== Object && typeof ctor.name === 'string' && ctor.name !== '' ? ctor.name : fallback;
}

function name(o: object): string {
  return functionName(o, 'Unnamed');
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
