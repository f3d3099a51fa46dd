// KeyedStream: a stream partitioned by key, with rolling aggregations and keyed process functions.

import { perSubtaskInstances, toReducer, type ReduceFunction } from './functions.ts';
import { DataStream, type SingleOutputStreamOperator } from './data-stream.ts';
import type { StreamExecutionEnvironment } from './environment.ts';
import { maxByReducer, maxReducer, minByReducer, minReducer, sumReducer } from './aggregations.ts';
import { IntervalJoin } from './interval-join.ts';
import { KeyedProcessOperator } from './operators/process-operator.ts';
import { StreamGroupedReduce } from './operators/stream-grouped-reduce.ts';
import type { KeyedProcessFunction, ProcessFunction } from './process-function.ts';
import type { AbstractStreamOperator } from './operators/stream-operator.ts';
import type { PartitionTransformation } from './transformation.ts';
import { AllWindowedStream } from './all-windowed-stream.ts';
import { WindowedStream } from './windowed-stream.ts';
import { countWindow as countWindowSpec } from './windowing/count-window.ts';
import type { GlobalWindow } from './windowing/global-window.ts';
import type { WindowAssigner } from './windowing/window-assigner.ts';
import type { Window } from './windowing/window.ts';

/** A field to aggregate: omitted for a stream of numbers, a property name for objects, a position for tuples. */
export type FieldExpression = string | number;

/**
 * A stream partitioned by key. Rolling aggregations emit the updated aggregate for every input.
 *
 * @example
 * words.map((w) => ({ word: w, count: 1 })).keyBy((e) => e.word).sum('count').print();
 */
export class KeyedStream<T, K> extends DataStream<T> {
  constructor(
    environment: StreamExecutionEnvironment,
    transformation: PartitionTransformation<T>,
    readonly keySelector: (value: T) => K,
  ) {
    super(environment, transformation);
  }

  getKeySelector(): (value: T) => K {
    return this.keySelector;
  }

  reduce(fn: ReduceFunction<T>): SingleOutputStreamOperator<T> {
    const keyOf = this.keySelector;
    const instance = perSubtaskInstances(fn);
    return this.transform<T>('Keyed Reduce', () => new StreamGroupedReduce<T>(instance()), keyOf);
  }

  sum(field?: FieldExpression): SingleOutputStreamOperator<T> {
    return this.aggregate(sumReducer<T>(field));
  }
  min(field?: FieldExpression): SingleOutputStreamOperator<T> {
    return this.aggregate(minReducer<T>(field));
  }
  max(field?: FieldExpression): SingleOutputStreamOperator<T> {
    return this.aggregate(maxReducer<T>(field));
  }
  minBy(field?: FieldExpression, first = true): SingleOutputStreamOperator<T> {
    return this.aggregate(minByReducer<T>(field, first));
  }
  maxBy(field?: FieldExpression, first = true): SingleOutputStreamOperator<T> {
    return this.aggregate(maxByReducer<T>(field, first));
  }

  override process<R>(fn: KeyedProcessFunction<K, T, R> | ProcessFunction<T, R>): SingleOutputStreamOperator<R> {
    const keyOf = this.keySelector;
    const instance = perSubtaskInstances(fn as KeyedProcessFunction<K, T, R>);
    return this.transform<R>('KeyedProcess', () => new KeyedProcessOperator<K, T, R>(instance()), keyOf);
  }

  /**
   * Joins this stream with another keyed stream by key and event time: `between(lower, upper)` then pairs each
   * element `l` of this stream with the other stream's elements `r` of its key where
   * `l.timestamp + lower <= r.timestamp <= l.timestamp + upper`.
   *
   * @example
   * orders.keyBy((o) => o.id).intervalJoin(payments.keyBy((p) => p.orderId)).between(0, 60_000)
   *   .process((order, payment, ctx, out) => out.collect({ ...order, paidAt: ctx.getRightTimestamp() }));
   */
  intervalJoin<T2>(other: KeyedStream<T2, K>): IntervalJoin<T, T2, K> {
    return new IntervalJoin<T, T2, K>(this, other);
  }

  /**
   * Cuts each key's elements into windows (tumbling, sliding, session, global) to evaluate with `reduce`,
   * `aggregate`, `process` or `apply`.
   *
   * @example
   * readings.keyBy((r) => r.sensor).window(TumblingEventTimeWindows.of(Time.seconds(1))).aggregate(average);
   */
  window<W extends Window>(assigner: WindowAssigner<T, W>): WindowedStream<T, K, W> {
    return new WindowedStream<T, K, W>(this, assigner);
  }

  /**
   * Count windows per key: every `size` elements (tumbling), or with `slide` the last `size` elements every
   * `slide` elements (GlobalWindows with CountTrigger, PurgingTrigger and CountEvictor, as Flink builds them).
   */
  countWindow(size: number, slide?: number): WindowedStream<T, K, GlobalWindow> {
    const spec = countWindowSpec<T>(size, slide);
    const windowed = new WindowedStream<T, K, GlobalWindow>(this, spec.assigner).trigger(spec.trigger);
    return spec.evictor === null ? windowed : windowed.evictor(spec.evictor);
  }

  /** @internal DataStream.windowAll: this stream is keyed by one constant key. */
  allWindows<W extends Window>(assigner: WindowAssigner<T, W>): AllWindowedStream<T, W> {
    return new AllWindowedStream<T, W>(this as KeyedStream<T, unknown>, assigner);
  }

  /** Operators on a keyed stream are keyed: their state and timers are scoped to the record's key. */
  protected override transform<R>(
    name: string,
    factory: () => AbstractStreamOperator<unknown>,
    stateKeySelector: (value: T) => unknown = this.keySelector,
  ): SingleOutputStreamOperator<R> {
    return super.transform<R>(name, factory, stateKeySelector);
  }

  private aggregate(reducer: (a: T, b: T) => T): SingleOutputStreamOperator<T> {
    const keyOf = this.keySelector;
    const reduce = toReducer(reducer);
    return this.transform<T>('Keyed Aggregation', () => new StreamGroupedReduce<T>(reduce), keyOf);
  }
}
