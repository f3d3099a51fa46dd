// DataStream, SingleOutputStreamOperator and DataStreamSink: the fluent API users build jobs with.

import { IllegalArgumentError } from '../core/errors.ts';
import type { ShipStrategy } from '../graph/stream-graph.ts';
import type { StreamExecutionEnvironment } from './environment.ts';
import {
  perSubtaskInstances,
  toKeyExtractor,
  toPartitionFn,
  type FilterFunction,
  type FlatMapFunction,
  type KeySelector,
  type MapFunction,
  type Partitioner,
} from './functions.ts';
import { ConnectedStreams } from './connected-streams.ts';
import type { KeyedStream } from './keyed-stream.ts';
import type { AllWindowedStream } from './all-windowed-stream.ts';
import { countWindow as countWindowSpec } from './windowing/count-window.ts';
import type { GlobalWindow } from './windowing/global-window.ts';
import type { WindowAssigner } from './windowing/window-assigner.ts';
import type { Window } from './windowing/window.ts';
import { ProcessOperator } from './operators/process-operator.ts';
import { SinkWriterOperator } from './operators/sink-writer-operator.ts';
import { StreamFilter } from './operators/stream-filter.ts';
import { StreamFlatMap } from './operators/stream-flat-map.ts';
import { StreamMap } from './operators/stream-map.ts';
import { TimestampsAndWatermarksOperator } from './operators/timestamps-and-watermarks-operator.ts';
import { WatermarkStrategy } from './watermark-strategy.ts';
import type { AbstractStreamOperator } from './operators/stream-operator.ts';
import type { ProcessFunction } from './process-function.ts';
import type { Sink } from './sink.ts';
import { PrintSink } from './sinks/print-sink.ts';
import { OutputTag } from './output-tag.ts';
import { CoGroupedStreams, JoinedStreams } from './co-grouped-streams.ts';
import {
  OneInputTransformation,
  PartitionTransformation,
  SideOutputTransformation,
  UnionTransformation,
  type Transformation,
} from './transformation.ts';

/**
 * A stream of elements of type T.
 *
 * @example
 * env.fromSequence(1, 100).map((n) => n * 2).filter((n) => n % 3 === 0).print();
 */
export class DataStream<T> {
  constructor(
    protected readonly environment: StreamExecutionEnvironment,
    readonly transformation: Transformation<T>,
  ) {}

  getExecutionEnvironment(): StreamExecutionEnvironment {
    return this.environment;
  }

  getParallelism(): number {
    return this.transformation.parallelism > 0 ? this.transformation.parallelism : this.environment.getParallelism();
  }

  map<R>(fn: MapFunction<T, R>): SingleOutputStreamOperator<R> {
    const instance = perSubtaskInstances(fn);
    return this.transform<R>('Map', () => new StreamMap(instance()));
  }

  filter(fn: FilterFunction<T>): SingleOutputStreamOperator<T> {
    const instance = perSubtaskInstances(fn);
    return this.transform<T>('Filter', () => new StreamFilter(instance()));
  }

  flatMap<R>(fn: FlatMapFunction<T, R>): SingleOutputStreamOperator<R> {
    const instance = perSubtaskInstances(fn);
    return this.transform<R>('Flat Map', () => new StreamFlatMap(instance()));
  }

  process<R>(fn: ProcessFunction<T, R>): SingleOutputStreamOperator<R> {
    const instance = perSubtaskInstances(fn);
    return this.transform<R>('Process', () => new ProcessOperator<T, R>(instance()));
  }

  /**
   * Assigns event timestamps and generates watermarks in the middle of a stream (prefer the strategy of
   * `env.fromSource` where the source allows). Watermarks from upstream are replaced by the strategy's own, except
   * the final one that ends event time; periodic watermarks follow `pipeline.auto-watermark-interval`.
   *
   * @example
   * stream.assignTimestampsAndWatermarks(
   *   WatermarkStrategy.forBoundedOutOfOrderness<Reading>(Time.seconds(5)).withTimestampAssigner((r) => r.at));
   */
  assignTimestampsAndWatermarks(watermarkStrategy: WatermarkStrategy<T>): SingleOutputStreamOperator<T> {
    if (!(watermarkStrategy instanceof WatermarkStrategy)) {
      throw new IllegalArgumentError(
        'assignTimestampsAndWatermarks takes a WatermarkStrategy, e.g. WatermarkStrategy.forMonotonousTimestamps()',
      );
    }
    return this.transform<T>('Timestamps/Watermarks', () => new TimestampsAndWatermarksOperator<T>(watermarkStrategy));
  }

  /** A window join with `other`: `join(other).where(k1).equalTo(k2).window(assigner).apply(fn)`. */
  join<T2>(other: DataStream<T2>): JoinedStreams<T, T2> {
    return new JoinedStreams(this, other);
  }

  /** A window co-group with `other`: `coGroup(other).where(k1).equalTo(k2).window(assigner).apply(fn)`. */
  coGroup<T2>(other: DataStream<T2>): CoGroupedStreams<T, T2> {
    return new CoGroupedStreams(this, other);
  }

  /** Partitions the stream by key; each key's records go to one subtask (by key group). */
  keyBy<K>(keySelector: KeySelector<T, K>): KeyedStream<T, K> {
    const extract = toKeyExtractor(keySelector);
    const partition = new PartitionTransformation(this.environment.nextTransformationId(), this.transformation, 'HASH', extract);
    return this.environment.createKeyedStream<T, K>(partition, extract);
  }

  /**
   * Connects this stream with `other` (possibly of another type) for one operator that sees the elements of both:
   * `map`, `flatMap` or `process` on the result. Connecting two KeyedStreams gives keyed connected streams (state
   * and timers per key, shared by both inputs); `keyBy(key1, key2)` on the result keys any two streams.
   *
   * @example
   * orders.connect(profiles).keyBy((o) => o.customer, (p) => p.customer).process(new EnrichOrders());
   */
  connect<R>(other: DataStream<R>): ConnectedStreams<T, R> {
    if (other.environment !== this.environment) {
      throw new IllegalArgumentError('connect: both streams must come from the same StreamExecutionEnvironment');
    }
    const env = this.environment;
    return new ConnectedStreams<T, R>(env, this, other, <X>(t: Transformation<X>) => new SingleOutputStreamOperator<X>(env, t));
  }

  /**
   * Cuts the whole stream into windows, evaluated in one subtask (the window operator's parallelism is 1).
   *
   * @example
   * clicks.windowAll(TumblingEventTimeWindows.of(Time.minutes(1))).apply((w, xs, out) => out.collect([...xs].length));
   */
  windowAll<W extends Window>(assigner: WindowAssigner<T, W>): AllWindowedStream<T, W> {
    return this.keyBy(nullKeySelector).allWindows(assigner);
  }

  /** Count windows over the whole stream: every `size` elements, or with `slide` the last `size` every `slide`. */
  countWindowAll(size: number, slide?: number): AllWindowedStream<T, GlobalWindow> {
    const spec = countWindowSpec<T>(size, slide);
    const windowed = this.keyBy(nullKeySelector).allWindows(spec.assigner).trigger(spec.trigger);
    return spec.evictor === null ? windowed : windowed.evictor(spec.evictor);
  }

  /** One stream of all elements of this and the given streams (no order across them). */
  union(...streams: DataStream<T>[]): DataStream<T> {
    for (const s of streams) {
      if (s.environment !== this.environment) {
        throw new IllegalArgumentError('union: all streams must come from the same StreamExecutionEnvironment');
      }
    }
    const union = new UnionTransformation<T>(this.environment.nextTransformationId(), [
      this.transformation,
      ...streams.map((s) => s.transformation),
    ]);
    return new DataStream<T>(this.environment, union);
  }

  rebalance(): DataStream<T> {
    return this.partition('REBALANCE');
  }
  rescale(): DataStream<T> {
    return this.partition('RESCALE');
  }
  shuffle(): DataStream<T> {
    return this.partition('SHUFFLE');
  }
  broadcast(): DataStream<T> {
    return this.partition('BROADCAST');
  }
  global(): DataStream<T> {
    return this.partition('GLOBAL');
  }
  forward(): DataStream<T> {
    return this.partition('FORWARD');
  }

  /** Sends each element to the channel the partitioner picks for its key. */
  partitionCustom<K>(partitioner: Partitioner<K>, keySelector: KeySelector<T, K>): DataStream<T> {
    return this.partition('CUSTOM', { partition: toPartitionFn(partitioner), key: toKeyExtractor(keySelector) });
  }

  print(sinkIdentifier?: string): DataStreamSink<T> {
    return this.addSink(new PrintSink<T>(false, sinkIdentifier), 'Print to Std. Out');
  }

  printToErr(sinkIdentifier?: string): DataStreamSink<T> {
    return this.addSink(new PrintSink<T>(true, sinkIdentifier), 'Print to Std. Err');
  }

  sinkTo(sink: Sink<T>): DataStreamSink<T> {
    return this.addSink(sink, 'Unnamed');
  }

  /**
   * Runs the job and returns its output to the caller: an async iterator over all of it, or with `limit`, the
   * first `limit` elements (the job is cancelled once they arrived).
   *
   * @example
   * const firstTen = await env.fromSequence(1, 1e9).map((n) => n * n).executeAndCollect(10);
   */
  executeAndCollect(jobName?: string): AsyncIterableIterator<T>;
  executeAndCollect(limit: number): Promise<T[]>;
  executeAndCollect(jobName: string, limit: number): Promise<T[]>;
  executeAndCollect(a?: string | number, b?: number): AsyncIterableIterator<T> | Promise<T[]> {
    const jobName = typeof a === 'string' ? a : undefined;
    const limit = typeof a === 'number' ? a : b;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
      throw new IllegalArgumentError(`executeAndCollect: limit must be a whole number >= 0, got ${limit}`);
    }
    const collect = new OneInputTransformation<T, never>(
      this.environment.nextTransformationId(),
      'Collect Stream Sink',
      this.transformation,
      () => new CollectSinkMarker(),
      'sink',
      undefined,
      true,
    );
    collect.setParallelism(1);
    this.environment.addOperator(collect);
    return this.environment.executeCollecting<T>(collect, jobName, limit);
  }

  protected transform<R>(
    name: string,
    factory: () => AbstractStreamOperator<unknown>,
    stateKeySelector?: (value: T) => unknown,
  ): SingleOutputStreamOperator<R> {
    const t = new OneInputTransformation<T, R>(
      this.environment.nextTransformationId(),
      name,
      this.transformation,
      factory,
      'operator',
      stateKeySelector,
    );
    this.environment.addOperator(t);
    return new SingleOutputStreamOperator<R>(this.environment, t);
  }

  private partition(ship: ShipStrategy, partitioner?: unknown): DataStream<T> {
    const t = new PartitionTransformation(this.environment.nextTransformationId(), this.transformation, ship, partitioner);
    return new DataStream<T>(this.environment, t);
  }

  private addSink(sink: Sink<T>, name: string): DataStreamSink<T> {
    const t = new OneInputTransformation<T, never>(
      this.environment.nextTransformationId(),
      name,
      this.transformation,
      () => new SinkWriterOperator(sink),
      'sink',
    );
    this.environment.addOperator(t);
    return new DataStreamSink<T>(t);
  }
}

/** windowAll's key: every element has the same one (Flink's NullByteKeySelector). */
const nullKeySelector = (): number => 0;

/** The operator of executeAndCollect's sink; the runtime replaces it with a channel to the client. */
export class CollectSinkMarker extends SinkWriterOperator<never> {
  constructor() {
    super({ createWriter: () => ({ write() {}, flush() {}, close() {} }) });
  }
}

/** Settings every operator accepts: name, uid, parallelism, slot sharing, chaining. */
function configure<T extends Transformation>(t: T) {
  return {
    name(name: string): void {
      t.name = name;
    },
    uid(uid: string): void {
      if (uid.length === 0) throw new IllegalArgumentError('uid must not be empty');
      t.uid = uid;
    },
    slotSharingGroup(group: string): void {
      if (group.length === 0) throw new IllegalArgumentError('slot sharing group name must not be empty');
      t.slotSharingGroup = group;
    },
  };
}

/** The result of an operation: a stream whose operator can be named, given a uid, parallelism and chaining. */
export class SingleOutputStreamOperator<T> extends DataStream<T> {
  name(name: string): this {
    configure(this.transformation).name(name);
    return this;
  }
  getName(): string {
    return this.transformation.name;
  }
  /** A stable id for this operator; savepoints map state by it. */
  uid(uid: string): this {
    configure(this.transformation).uid(uid);
    return this;
  }
  setParallelism(parallelism: number): this {
    this.transformation.setParallelism(parallelism);
    return this;
  }
  setMaxParallelism(maxParallelism: number): this {
    this.transformation.setMaxParallelism(maxParallelism);
    return this;
  }
  slotSharingGroup(group: string): this {
    configure(this.transformation).slotSharingGroup(group);
    return this;
  }
  /** Starts a new chain at this operator; operators after it may still chain to it. */
  startNewChain(): this {
    this.transformation.chainingStrategy = 'HEAD';
    return this;
  }
  /** Runs this operator in a task of its own: nothing chains to it, it chains to nothing. */
  disableChaining(): this {
    this.transformation.chainingStrategy = 'NEVER';
    return this;
  }
  /**
   * The records this operator emitted into the side output `tag` (`ctx.output(tag, value)` in a process function,
   * `sideOutputLateData` of a window).
   */
  getSideOutput<X>(tag: OutputTag<X>): DataStream<X> {
    if (!(tag instanceof OutputTag)) throw new IllegalArgumentError('getSideOutput takes an OutputTag');
    const t = new SideOutputTransformation<X>(this.environment.nextTransformationId(), this.transformation, tag.id);
    return new DataStream<X>(this.environment, t);
  }
}

/** The end of a stream, returned by sinkTo/print. */
export class DataStreamSink<T> {
  constructor(readonly transformation: OneInputTransformation<T, never>) {}
  name(name: string): this {
    configure(this.transformation).name(name);
    return this;
  }
  uid(uid: string): this {
    configure(this.transformation).uid(uid);
    return this;
  }
  setParallelism(parallelism: number): this {
    this.transformation.setParallelism(parallelism);
    return this;
  }
  slotSharingGroup(group: string): this {
    configure(this.transformation).slotSharingGroup(group);
    return this;
  }
  disableChaining(): this {
    this.transformation.chainingStrategy = 'NEVER';
    return this;
  }
  startNewChain(): this {
    this.transformation.chainingStrategy = 'HEAD';
    return this;
  }
}
