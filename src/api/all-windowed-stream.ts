// AllWindowedStream: windowAll(...) on a non-keyed stream, evaluated in one subtask (Flink's AllWindowedStream).

import { IllegalArgumentError } from '../core/errors.ts';
import type { AggregateFunction } from '../state/aggregate-function.ts';
import { maxByReducer, maxReducer, minByReducer, minReducer, sumReducer } from './aggregations.ts';
import type { SingleOutputStreamOperator } from './data-stream.ts';
import { perSubtaskInstances, toReducer, type ReduceFunction } from './functions.ts';
import type { FieldExpression, KeyedStream } from './keyed-stream.ts';
import {
  iterableAllWindowFunction,
  passThroughWindowFunction,
  processAllWindowFunction,
  singleValueAllWindowFunction,
  singleValueProcessAllWindowFunction,
  type InternalWindowFunction,
} from './operators/internal-window-function.ts';
import { functionName, WindowOperatorBuilder, type WindowOperatorPlan } from './operators/window-operator-builder.ts';
import { OutputTag } from './output-tag.ts';
import { toMillis, type Duration } from './time.ts';
import { addWindowOperator, checkAggregateFunction, rejectRich } from './windowed-stream.ts';
import type { AllWindowFunction } from './windowing/all-window-function.ts';
import type { Evictor } from './windowing/evictor.ts';
import { ProcessAllWindowFunction } from './windowing/process-all-window-function.ts';
import type { Trigger } from './windowing/trigger.ts';
import type { WindowAssigner } from './windowing/window-assigner.ts';
import type { Window } from './windowing/window.ts';

/** A window function for windowAll's `reduce(fn, windowFn)` / `aggregate(fn, windowFn)`. */
export type AllWindowFunctionOrProcess<IN, OUT, W extends Window> = AllWindowFunction<IN, OUT, W> | ProcessAllWindowFunction<IN, OUT, W>;

/**
 * A whole stream cut into windows (`windowAll`, `countWindowAll`): the same settings and functions as
 * WindowedStream, without a key. The window operator runs in a single subtask (its parallelism is fixed to 1),
 * keyed internally by one constant key, as Flink's NullByteKeySelector does.
 *
 * @example
 * env.fromSource(clicks, strategy, 'clicks')
 *   .windowAll(TumblingEventTimeWindows.of(Time.minutes(1)))
 *   .process(new TopPages())
 *   .print();
 */
export class AllWindowedStream<T, W extends Window> {
  readonly #input: KeyedStream<T, unknown>;
  readonly #builder: WindowOperatorBuilder<T, unknown, W>;

  /** @param input the stream keyed by one constant key (DataStream.windowAll builds it). */
  constructor(input: KeyedStream<T, unknown>, windowAssigner: WindowAssigner<T, W>) {
    this.#input = input;
    this.#builder = new WindowOperatorBuilder<T, unknown, W>(windowAssigner, 'AllWindow');
  }

  trigger(trigger: Trigger<T, W>): this {
    this.#builder.setTrigger(trigger);
    return this;
  }

  evictor(evictor: Evictor<T, W>): this {
    this.#builder.setEvictor(evictor);
    return this;
  }

  allowedLateness(lateness: Duration): this {
    this.#builder.setAllowedLateness(toMillis(lateness));
    return this;
  }

  sideOutputLateData(outputTag: OutputTag<T>): this {
    if (!(outputTag instanceof OutputTag)) throw new IllegalArgumentError('sideOutputLateData takes an OutputTag');
    this.#builder.lateDataOutputTag = outputTag;
    return this;
  }

  reduce(reduceFn: ReduceFunction<T>): SingleOutputStreamOperator<T>;
  reduce<R>(reduceFn: ReduceFunction<T>, windowFn: AllWindowFunctionOrProcess<T, R, W>): SingleOutputStreamOperator<R>;
  reduce<R>(reduceFn: ReduceFunction<T>, windowFn?: AllWindowFunctionOrProcess<T, R, W>): SingleOutputStreamOperator<R | T> {
    rejectRich(reduceFn, 'ReduceFunction of reduce can not be a RichFunction. Please use reduce(ReduceFunction, WindowFunction) instead.');
    return this.#reduce(reduceFn, windowFn, false);
  }

  aggregate<ACC, R>(aggregateFn: AggregateFunction<T, ACC, R>): SingleOutputStreamOperator<R>;
  aggregate<ACC, V, R>(aggregateFn: AggregateFunction<T, ACC, V>, windowFn: AllWindowFunctionOrProcess<V, R, W>): SingleOutputStreamOperator<R>;
  aggregate<ACC, V, R>(aggregateFn: AggregateFunction<T, ACC, V>, windowFn?: AllWindowFunctionOrProcess<V, R, W>): SingleOutputStreamOperator<R | V> {
    rejectRich(aggregateFn, 'This aggregation function cannot be a RichFunction.');
    checkAggregateFunction(aggregateFn);
    const agg = perSubtaskInstances(aggregateFn);
    const [fn, fnName] = singleValue<V, R, W>(windowFn);
    return this.#add(this.#builder.aggregate(agg, fn, [functionName(aggregateFn, 'AggregateFunction'), fnName]));
  }

  process<R>(fn: ProcessAllWindowFunction<T, R, W>): SingleOutputStreamOperator<R> {
    if (!(fn instanceof ProcessAllWindowFunction)) {
      throw new IllegalArgumentError('process takes a ProcessAllWindowFunction; use apply for an AllWindowFunction');
    }
    const instance = perSubtaskInstances(fn);
    return this.#add(this.#builder.process(() => processAllWindowFunction(instance()), [functionName(fn, 'ProcessAllWindowFunction')]));
  }

  apply<R>(fn: AllWindowFunction<T, R, W>): SingleOutputStreamOperator<R> {
    const instance = perSubtaskInstances(fn);
    return this.#add(this.#builder.process(() => iterableAllWindowFunction(instance()), [functionName(fn, 'AllWindowFunction')]));
  }

  sum(field?: FieldExpression): SingleOutputStreamOperator<T> {
    return this.#builtIn(sumReducer<T>(field));
  }
  min(field?: FieldExpression): SingleOutputStreamOperator<T> {
    return this.#builtIn(minReducer<T>(field));
  }
  max(field?: FieldExpression): SingleOutputStreamOperator<T> {
    return this.#builtIn(maxReducer<T>(field));
  }
  minBy(field?: FieldExpression, first = true): SingleOutputStreamOperator<T> {
    return this.#builtIn(minByReducer<T>(field, first));
  }
  maxBy(field?: FieldExpression, first = true): SingleOutputStreamOperator<T> {
    return this.#builtIn(maxByReducer<T>(field, first));
  }

  #builtIn(reducer: (a: T, b: T) => T): SingleOutputStreamOperator<T> {
    return this.#reduce(reducer, undefined, true) as SingleOutputStreamOperator<T>;
  }

  #reduce<R>(reduceFn: ReduceFunction<T>, windowFn: AllWindowFunctionOrProcess<T, R, W> | undefined, pure: boolean): SingleOutputStreamOperator<R | T> {
    const instance = perSubtaskInstances(reduceFn);
    const [fn, fnName] = singleValue<T, R, W>(windowFn);
    return this.#add(this.#builder.reduce(() => toReducer(instance()), fn, [functionName(reduceFn, 'ReduceFunction'), fnName], pure));
  }

  #add<R>(plan: WindowOperatorPlan): SingleOutputStreamOperator<R> {
    return addWindowOperator<T, R>(this.#input, plan, true);
  }
}

function singleValue<V, R, W extends Window>(
  windowFn: AllWindowFunctionOrProcess<V, R, W> | undefined,
): [() => InternalWindowFunction<V, R | V, unknown, W>, string] {
  if (windowFn === undefined) return [() => passThroughWindowFunction<V, unknown, W>(), 'PassThroughWindowFunction'];
  const instance = perSubtaskInstances(windowFn);
  if (windowFn instanceof ProcessAllWindowFunction) {
    return [
      () => singleValueProcessAllWindowFunction(instance() as ProcessAllWindowFunction<V, R, W>),
      functionName(windowFn, 'ProcessAllWindowFunction'),
    ];
  }
  return [() => singleValueAllWindowFunction(instance() as AllWindowFunction<V, R, W>), functionName(windowFn, 'AllWindowFunction')];
}
