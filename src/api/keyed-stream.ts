// KeyedStream: a stream partitioned by key, with rolling aggregations and keyed process functions.

import { perSubtaskInstances, toReducer, type ReduceFunction } from './functions.ts';
import { DataStream, type SingleOutputStreamOperator } from './data-stream.ts';
import type { StreamExecutionEnvironment } from './environment.ts';
import { maxByReducer, maxReducer, minByReducer, minReducer, sumReducer } from './aggregations.ts';
import { KeyedProcessOperator } from './operators/process-operator.ts';
import { StreamGroupedReduce } from './operators/stream-grouped-reduce.ts';
import type { KeyedProcessFunction, ProcessFunction } from './process-function.ts';
import type { AbstractStreamOperator } from './operators/stream-operator.ts';
import type { PartitionTransformation } from './transformation.ts';

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
