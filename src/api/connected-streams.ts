// ConnectedStreams: two streams, possibly of different types, processed by one two-input operator.

import { InvalidProgramError } from '../core/errors.ts';
import { KeyedCoProcessFunction, type CoFlatMapFunction, type CoMapFunction, type CoProcessFunction } from './co-functions.ts';
import type { DataStream, SingleOutputStreamOperator } from './data-stream.ts';
import type { StreamExecutionEnvironment } from './environment.ts';
import { perSubtaskInstances, type KeySelector } from './functions.ts';
import { CoProcessOperator, KeyedCoProcessOperator } from './operators/co-process-operator.ts';
import { CoStreamFlatMap } from './operators/co-stream-flat-map.ts';
import { CoStreamMap } from './operators/co-stream-map.ts';
import type { OperatorFactory, Transformation } from './transformation.ts';
import { TwoInputTransformation } from './transformation.ts';

/**
 * How ConnectedStreams wraps the transformation it adds into a stream. DataStream.connect hands it over, so this
 * module needs no run-time import of data-stream.ts (which imports this one).
 * @internal
 */
export type StreamWrapper = <R>(transformation: Transformation<R>) => SingleOutputStreamOperator<R>;

/**
 * The key selector of a KeyedStream. Duck-typed: keyed-stream.ts imports data-stream.ts, which imports this module,
 * so a run-time import of KeyedStream here would be a cycle.
 */
function keySelectorOf<T>(stream: DataStream<T>): ((value: T) => unknown) | undefined {
  const keyed = stream as DataStream<T> & { getKeySelector?: () => (value: T) => unknown };
  return typeof keyed.getKeySelector === 'function' ? keyed.getKeySelector() : undefined;
}

/**
 * Two streams connected for one operator that sees the elements of both (Flink's ConnectedStreams). A CoMap,
 * CoFlatMap or CoProcess function gets the first input's elements in its `…1` method and the second's in its
 * `…2` method; the operator's watermark is the smaller of the two inputs' (an idle input holds back nothing).
 * When both inputs are keyed streams (connect two KeyedStreams, or call `keyBy(key1, key2)`), elements of both
 * with the same key meet on the same subtask and share that key's state and timers.
 *
 * @example
 * const alerts = readings.keyBy((r) => r.sensor)
 *   .connect(thresholds.keyBy((t) => t.sensor))
 *   .process(new ThresholdAlert());
 */
export class ConnectedStreams<IN1, IN2> {
  readonly #keySelector1: ((value: IN1) => unknown) | undefined;
  readonly #keySelector2: ((value: IN2) => unknown) | undefined;

  /** @internal Use `DataStream.connect`. */
  constructor(
    private readonly environment: StreamExecutionEnvironment,
    private readonly input1: DataStream<IN1>,
    private readonly input2: DataStream<IN2>,
    private readonly wrap: StreamWrapper,
  ) {
    const key1 = keySelectorOf(input1);
    const key2 = keySelectorOf(input2);
    // As Flink: the operator is keyed only when both inputs are keyed.
    const keyed = key1 !== undefined && key2 !== undefined;
    this.#keySelector1 = keyed ? key1 : undefined;
    this.#keySelector2 = keyed ? key2 : undefined;
  }

  getExecutionEnvironment(): StreamExecutionEnvironment {
    return this.environment;
  }

  getFirstInput(): DataStream<IN1> {
    return this.input1;
  }

  getSecondInput(): DataStream<IN2> {
    return this.input2;
  }

  /**
   * Keys both inputs (each hash-partitioned by its own key selector; the keys of the two must be comparable):
   * elements of both inputs with equal keys go to the same subtask, and the operator after it is keyed.
   */
  keyBy<K>(keySelector1: KeySelector<IN1, K>, keySelector2: KeySelector<IN2, K>): ConnectedStreams<IN1, IN2> {
    return new ConnectedStreams(
      this.environment,
      this.input1.keyBy(keySelector1),
      this.input2.keyBy(keySelector2),
      this.wrap,
    );
  }

  /** One output per element of either input: `map1` for the first, `map2` for the second. */
  map<R>(fn: CoMapFunction<IN1, IN2, R>): SingleOutputStreamOperator<R> {
    const instance = perSubtaskInstances(fn);
    return this.#transform<R>('Co-Map', () => new CoStreamMap<IN1, IN2, R>(instance()));
  }

  /** Zero or more outputs per element of either input, through a Collector. */
  flatMap<R>(fn: CoFlatMapFunction<IN1, IN2, R>): SingleOutputStreamOperator<R> {
    const instance = perSubtaskInstances(fn);
    return this.#transform<R>('Co-Flat Map', () => new CoStreamFlatMap<IN1, IN2, R>(instance()));
  }

  /**
   * Runs a CoProcessFunction, or on keyed connected streams a KeyedCoProcessFunction (keyed state and timers
   * shared by both inputs). A CoProcessFunction on keyed connected streams gets keyed state and timers too.
   */
  process<R>(fn: CoProcessFunction<IN1, IN2, R>): SingleOutputStreamOperator<R>;
  process<K, R>(fn: KeyedCoProcessFunction<K, IN1, IN2, R>): SingleOutputStreamOperator<R>;
  process<K, R>(
    fn: CoProcessFunction<IN1, IN2, R> | KeyedCoProcessFunction<K, IN1, IN2, R>,
  ): SingleOutputStreamOperator<R> {
    const instance = perSubtaskInstances(fn);
    if (this.#keySelector1 !== undefined) {
      return this.#transform<R>('Co-Process', () => new KeyedCoProcessOperator<K, IN1, IN2, R>(instance()));
    }
    if (fn instanceof KeyedCoProcessFunction) {
      throw new InvalidProgramError(
        'A KeyedCoProcessFunction can only be used when both connected streams are keyed: call ' +
          '.keyBy(keySelector1, keySelector2) on the connected streams, or connect two KeyedStreams',
      );
    }
    const coProcess = instance as () => CoProcessFunction<IN1, IN2, R>;
    return this.#transform<R>('Co-Process', () => new CoProcessOperator<IN1, IN2, R>(coProcess()));
  }

  #transform<R>(name: string, factory: OperatorFactory): SingleOutputStreamOperator<R> {
    const t = new TwoInputTransformation<IN1, IN2, R>(
      this.environment.nextTransformationId(),
      name,
      this.input1.transformation,
      this.input2.transformation,
      factory,
      this.#keySelector1,
      this.#keySelector2,
    );
    this.environment.addOperator(t);
    return this.wrap(t);
  }
}
