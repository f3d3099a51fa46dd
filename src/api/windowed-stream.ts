// WindowedStream: keyBy(...).window(...): trigger, evictor, lateness and the window functions (Flink's WindowedStream).

import { IllegalArgumentError, InvalidProgramError } from '../core/errors.ts';
import type { AggregateFunction } from '../state/aggregate-function.ts';
import { maxByReducer, maxReducer, minByReducer, minReducer, sumReducer } from './aggregations.ts';
import { SingleOutputStreamOperator } from './data-stream.ts';
import { isRichFunction, perSubtaskInstances, toReducer, type ReduceFunction } from './functions.ts';
import type { KeyedStream, FieldExpression } from './keyed-stream.ts';
import {
  iterableWindowFunction,
  passThroughWindowFunction,
  processWindowFunction,
  singleValueProcessWindowFunction,
  singleValueWindowFunction,
  type InternalWindowFunction,
} from './operators/internal-window-function.ts';
import { functionName, WindowOperatorBuilder, type WindowOperatorPlan } from './operators/window-operator-builder.ts';
import { OutputTag } from './output-tag.ts';
import { toMillis, type Duration } from './time.ts';
import { OneInputTransformation } from './transformation.ts';
import type { Evictor } from './windowing/evictor.ts';
import { ProcessWindowFunction } from './windowing/process-window-function.ts';
import type { Trigger } from './windowing/trigger.ts';
import type { WindowAssigner } from './windowing/window-assigner.ts';
import type { WindowFunction } from './windowing/window-function.ts';
import type { Window } from './windowing/window.ts';

/** A window function for `reduce(fn, windowFn)` / `aggregate(fn, windowFn)` / `apply` / `process`. */
export type KeyedWindowFunction<IN, OUT, K, W extends Window> = WindowFunction<IN, OUT, K, W> | ProcessWindowFunction<IN, OUT, K, W>;

/**
 * A keyed stream cut into windows: set a trigger, an evictor, an allowed lateness and a late-data side output,
 * then evaluate each window with `reduce`, `aggregate`, `process` or `apply` (or `sum`/`min`/`max`/`minBy`/`maxBy`).
 * Each result carries the timestamp `window.maxTimestamp()`.
 *
 * `reduce` and `aggregate` keep one accumulator per window; on tumbling and sliding event-time windows with the
 * default trigger and no evictor they keep one per slice of `gcd(size, slide)` instead, so a 10 s window sliding
 * by 1 s costs about what a 1 s tumbling window does (pane sharing).
 *
 * @example
 * const late = new OutputTag<Reading>('late');
 * const averages = readings
 *   .keyBy((r) => r.sensor)
 *   .window(TumblingEventTimeWindows.of(Time.seconds(1)))
 *   .allowedLateness(Time.seconds(5))
 *   .sideOutputLateData(late)
 *   .aggregate(average, new LabelWithWindow());
 * averages.getSideOutput(late).print();
 */
export class WindowedStream<T, K, W extends Window> {
  readonly #input: KeyedStream<T, K>;
  readonly #builder: WindowOperatorBuilder<T, K, W>;

  constructor(input: KeyedStream<T, K>, windowAssigner: WindowAssigner<T, W>) {
    this.#input = input;
    this.#builder = new WindowOperatorBuilder<T, K, W>(windowAssigner);
  }

  getInputStream(): KeyedStream<T, K> {
    return this.#input;
  }

  /** Replaces the assigner's default trigger. Merging assigners need a trigger that can merge. */
  trigger(trigger: Trigger<T, W>): this {
    this.#builder.setTrigger(trigger);
    return this;
  }

  /** Keeps every element and lets `evictor` remove some before and/or after the window function. */
  evictor(evictor: Evictor<T, W>): this {
    this.#builder.setEvictor(evictor);
    return this;
  }

  /**
   * Event time: keep each window's state `lateness` after its end, so late elements update it (the trigger
   * fires again: EventTimeTrigger at once). Default 0. Ignored for processing-time windows.
   */
  allowedLateness(lateness: Duration): this {
    this.#builder.setAllowedLateness(toMillis(lateness));
    return this;
  }

  /** Sends elements too late for all their windows to the side output `tag` instead of dropping them. */
  sideOutputLateData(outputTag: OutputTag<T>): this {
    if (!(outputTag instanceof OutputTag)) throw new IllegalArgumentError('sideOutputLateData takes an OutputTag');
    this.#builder.lateDataOutputTag = outputTag;
    return this;
  }

  /** Folds each window incrementally with `reduceFn`; with `windowFn`, that gets the reduced value. */
  reduce(reduceFn: ReduceFunction<T>): SingleOutputStreamOperator<T>;
  reduce<R>(reduceFn: ReduceFunction<T>, windowFn: KeyedWindowFunction<T, R, K, W>): SingleOutputStreamOperator<R>;
  reduce<R>(reduceFn: ReduceFunction<T>, windowFn?: KeyedWindowFunction<T, R, K, W>): SingleOutputStreamOperator<R | T> {
    rejectRich(reduceFn, 'ReduceFunction of reduce can not be a RichFunction. Please use reduce(ReduceFunction, WindowFunction) instead.');
    return this.#reduce(reduceFn, windowFn, false);
  }

  /** Aggregates each window incrementally; with `windowFn`, that gets the aggregate's result. */
  aggregate<ACC, R>(aggregateFn: AggregateFunction<T, ACC, R>): SingleOutputStreamOperator<R>;
  aggregate<ACC, V, R>(aggregateFn: AggregateFunction<T, ACC, V>, windowFn: KeyedWindowFunction<V, R, K, W>): SingleOutputStreamOperator<R>;
  aggregate<ACC, V, R>(aggregateFn: AggregateFunction<T, ACC, V>, windowFn?: KeyedWindowFunction<V, R, K, W>): SingleOutputStreamOperator<R | V> {
    rejectRich(aggregateFn, 'This aggregation function cannot be a RichFunction.');
    checkAggregateFunction(aggregateFn);
    const agg = perSubtaskInstances(aggregateFn);
    const [fn, fnName] = singleValue<V, R, K, W>(windowFn);
    return this.#add(this.#builder.aggregate(agg, fn, [functionName(aggregateFn, 'AggregateFunction'), fnName]));
  }

  /** Evaluates each window with all its elements, the key, the window and a context. */
  process<R>(fn: ProcessWindowFunction<T, R, K, W>): SingleOutputStreamOperator<R> {
    if (!(fn instanceof ProcessWindowFunction)) {
      throw new IllegalArgumentError('process takes a ProcessWindowFunction; use apply for a WindowFunction');
    }
    const instance = perSubtaskInstances(fn);
    return this.#add(this.#builder.process(() => processWindowFunction(instance()), [functionName(fn, 'ProcessWindowFunction')]));
  }

  /** Evaluates each window with all its elements, the key and the window (Flink's WindowFunction). */
  apply<R>(fn: WindowFunction<T, R, K, W>): SingleOutputStreamOperator<R> {
    const instance = perSubtaskInstances(fn);
    return this.#add(this.#builder.process(() => iterableWindowFunction(instance()), [functionName(fn, 'WindowFunction')]));
  }

  /** The sum of a field per window (the other fields are the first element's). */
  sum(field?: FieldExpression): SingleOutputStreamOperator<T> {
    return this.#builtIn(sumReducer<T>(field));
  }
  min(field?: FieldExpression): SingleOutputStreamOperator<T> {
    return this.#builtIn(minReducer<T>(field));
  }
  max(field?: FieldExpression): SingleOutputStreamOperator<T> {
    return this.#builtIn(maxReducer<T>(field));
  }
  /** The element with the smallest field per window (the first of equal ones unless `first` is false). */
  minBy(field?: FieldExpression, first = true): SingleOutputStreamOperator<T> {
    return this.#builtIn(minByReducer<T>(field, first));
  }
  maxBy(field?: FieldExpression, first = true): SingleOutputStreamOperator<T> {
    return this.#builtIn(maxByReducer<T>(field, first));
  }

  #builtIn(reducer: (a: T, b: T) => T): SingleOutputStreamOperator<T> {
    return this.#reduce(reducer, undefined, true) as SingleOutputStreamOperator<T>;
  }

  #reduce<R>(reduceFn: ReduceFunction<T>, windowFn: KeyedWindowFunction<T, R, K, W> | undefined, pure: boolean): SingleOutputStreamOperator<R | T> {
    const instance = perSubtaskInstances(reduceFn);
    const [fn, fnName] = singleValue<T, R, K, W>(windowFn);
    return this.#add(this.#builder.reduce(() => toReducer(instance()), fn, [functionName(reduceFn, 'ReduceFunction'), fnName], pure));
  }

  #add<R>(plan: WindowOperatorPlan): SingleOutputStreamOperator<R> {
    return addWindowOperator<T, R>(this.#input, plan, false);
  }
}

/** The window function of reduce/aggregate: the user's over the single value, or pass-through; and its name. */
function singleValue<V, R, K, W extends Window>(
  windowFn: KeyedWindowFunction<V, R, K, W> | undefined,
): [() => InternalWindowFunction<V, R | V, K, W>, string] {
  if (windowFn === undefined) return [() => passThroughWindowFunction<V, K, W>(), 'PassThroughWindowFunction'];
  const instance = perSubtaskInstances(windowFn);
  if (windowFn instanceof ProcessWindowFunction) {
    return [() => singleValueProcessWindowFunction(instance() as ProcessWindowFunction<V, R, K, W>), functionName(windowFn, 'ProcessWindowFunction')];
  }
  return [() => singleValueWindowFunction(instance() as WindowFunction<V, R, K, W>), functionName(windowFn, 'WindowFunction')];
}

/** Flink refuses Rich reduce/aggregate functions in windows: their life cycle would not run. */
export function rejectRich(fn: unknown, message: string): void {
  if (isRichFunction(fn)) throw new InvalidProgramError(message);
}

export function checkAggregateFunction(fn: unknown): void {
  for (const method of ['createAccumulator', 'add', 'getResult', 'merge'] as const) {
    if (typeof (fn as Record<string, unknown> | null)?.[method] !== 'function') {
      throw new IllegalArgumentError(`aggregate takes an AggregateFunction, but the one given has no ${method}()`);
    }
  }
}

/**
 * Adds the window operator of `plan` after `input` (keyed: its state and timers are per key). windowAll's is
 * non-parallel: parallelism 1, fixed.
 */
export function addWindowOperator<T, R>(input: KeyedStream<T, unknown>, plan: WindowOperatorPlan, nonParallel: boolean): SingleOutputStreamOperator<R> {
  const env = input.getExecutionEnvironment();
  const t = new OneInputTransformation<T, R>(
    env.nextTransformationId(),
    plan.name,
    input.transformation,
    plan.factory,
    'operator',
    input.getKeySelector() as (value: T) => unknown,
  );
  env.addOperator(t);
  if (!nonParallel) return new SingleOutputStreamOperator<R>(env, t);
  t.setParallelism(1);
  t.setMaxParallelism(1);
  return new NonParallelStreamOperator<R>(env, t);
}

/** The result of windowAll: its operator runs in one subtask only (Flink's forceNonParallel). */
class NonParallelStreamOperator<T> extends SingleOutputStreamOperator<T> {
  override setParallelism(parallelism: number): this {
    if (parallelism !== 1) {
      throw new IllegalArgumentError(`The parallelism of non parallel operator must be 1, got ${parallelism} for '${this.getName()}'`);
    }
    return super.setParallelism(parallelism);
  }
  override setMaxParallelism(maxParallelism: number): this {
    if (maxParallelism !== 1) {
      throw new IllegalArgumentError(`The max parallelism of non parallel operator must be 1, got ${maxParallelism} for '${this.getName()}'`);
    }
    return super.setMaxParallelism(maxParallelism);
  }
}
