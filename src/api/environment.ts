// StreamExecutionEnvironment: where a job is built (sources, settings) and executed.

import { Configuration, type ConfigValue } from '../config/configuration.ts';
import { CoreOptions } from '../config/options.ts';
import { IllegalArgumentError, IllegalStateError } from '../core/errors.ts';
import { randomId } from '../core/ids.ts';
import type { JobGraph } from '../graph/job-graph.ts';
import { createJobGraph } from '../graph/job-graph-generator.ts';
import { executionPlan } from '../graph/execution-plan.ts';
import type { StreamGraph } from '../graph/stream-graph.ts';
import { contextEnvironment } from './context-environment.ts';
import { SingleOutputStreamOperator } from './data-stream.ts';
import { CheckpointConfig, type CheckpointingMode } from './checkpoint-config.ts';
import { ExecutionConfig } from './execution-config.ts';
import { RestartStrategyConfiguration } from './restart-strategies.ts';
import type { StateBackend } from './state-backends.ts';
import { getDefaultExecutorFactory, type JobModuleRef, type PipelineExecutor, type SubmittedJob } from './executor.ts';
import type { JobClient, JobExecutionResult } from './job-client.ts';
import { KeyedStream } from './keyed-stream.ts';
import type { Source } from './source.ts';
import { CollectionSource } from './sources/collection-source.ts';
import { NumberSequenceSource } from './sources/number-sequence-source.ts';
import { generateStreamGraph } from './stream-graph-generator.ts';
import {
  SourceTransformation,
  type OneInputTransformation,
  type PartitionTransformation,
  type Transformation,
} from './transformation.ts';
import { WatermarkStrategy } from './watermark-strategy.ts';

export const DEFAULT_JOB_NAME = 'Sluice Streaming Job';

export interface EnvironmentOptions {
  /** Configuration of the job (Flink-style keys), as a Configuration or plain key/value pairs. */
  configuration?: Configuration | Readonly<Record<string, ConfigValue>>;
  /** Runs the job; defaults to the embedded mini cluster. */
  executor?: PipelineExecutor;
  /** The module worker threads import to rebuild this job (set by `sluice run` and `runJobModule`). */
  jobModule?: JobModuleRef;
}

/**
 * The context in which a streaming job is built and run.
 *
 * @example
 * const env = StreamExecutionEnvironment.getExecutionEnvironment();
 * env.fromElements('a', 'b', 'a').map((w) => [w, 1] as [string, number]).keyBy((t) => t[0]).sum(1).print();
 * await env.execute('word count');
 */
export class StreamExecutionEnvironment {
  readonly #configuration: Configuration;
  readonly #executionConfig: ExecutionConfig;
  readonly #checkpointConfig: CheckpointConfig;
  readonly #executor: PipelineExecutor | undefined;
  readonly #jobModule: JobModuleRef | undefined;
  #transformations: Transformation[] = [];
  #nextId = 1;

  constructor(options: EnvironmentOptions = {}) {
    const conf = options.configuration;
    this.#configuration = conf instanceof Configuration ? conf.clone() : new Configuration(conf ?? {});
    this.#executionConfig = new ExecutionConfig(this.#configuration);
    this.#checkpointConfig = new CheckpointConfig(this.#configuration);
    this.#executor = options.executor;
    this.#jobModule = options.jobModule;
  }

  /**
   * The environment of the job being run by `sluice run` (or replayed in a worker thread), else a new
   * environment on the embedded mini cluster.
   */
  static getExecutionEnvironment(
    configuration?: Configuration | Readonly<Record<string, ConfigValue>>,
  ): StreamExecutionEnvironment {
    return contextEnvironment() ?? new StreamExecutionEnvironment(configuration ? { configuration } : {});
  }

  /** A new environment that runs tasks in this process (no worker threads), so any closure works. */
  static createLocalEnvironment(parallelism = 1): StreamExecutionEnvironment {
    const env = new StreamExecutionEnvironment({ configuration: { 'execution.runtime': 'local' } });
    env.setParallelism(parallelism);
    return env;
  }

  // ---- settings ----

  setParallelism(parallelism: number): this {
    if (!Number.isInteger(parallelism) || parallelism < 1) {
      throw new IllegalArgumentError(`parallelism must be a whole number >= 1, got ${parallelism}`);
    }
    this.#configuration.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
    return this;
  }

  getParallelism(): number {
    return this.#configuration.get(CoreOptions.DEFAULT_PARALLELISM);
  }

  setMaxParallelism(maxParallelism: number): this {
    if (!Number.isInteger(maxParallelism) || maxParallelism < 1 || maxParallelism > 32768) {
      throw new IllegalArgumentError(`max parallelism must be a whole number from 1 to 32768, got ${maxParallelism}`);
    }
    this.#configuration.set(CoreOptions.MAX_PARALLELISM, maxParallelism);
    return this;
  }

  getMaxParallelism(): number {
    return this.#configuration.get(CoreOptions.MAX_PARALLELISM);
  }

  /** Longest wait (ms) of a partly filled network buffer; 0 flushes after every batch, -1 only when full. */
  setBufferTimeout(timeoutMs: number): this {
    if (!Number.isInteger(timeoutMs) || timeoutMs < -1) {
      throw new IllegalArgumentError(`buffer timeout must be -1, 0 or a positive number of ms, got ${timeoutMs}`);
    }
    this.#configuration.set(CoreOptions.BUFFER_TIMEOUT, timeoutMs);
    return this;
  }

  getBufferTimeout(): number {
    return this.#configuration.get(CoreOptions.BUFFER_TIMEOUT);
  }

  disableOperatorChaining(): this {
    this.#configuration.set(CoreOptions.OPERATOR_CHAINING, false);
    return this;
  }

  isChainingEnabled(): boolean {
    return this.#configuration.get(CoreOptions.OPERATOR_CHAINING);
  }

  getConfig(): ExecutionConfig {
    return this.#executionConfig;
  }

  /**
   * Takes a checkpoint every `intervalMs` (at least 10 ms), EXACTLY_ONCE unless `mode` says otherwise. The other
   * checkpoint settings are on `getCheckpointConfig()`.
   */
  enableCheckpointing(intervalMs: number, mode?: CheckpointingMode): this {
    this.#checkpointConfig.setCheckpointInterval(intervalMs);
    if (mode !== undefined) this.#checkpointConfig.setCheckpointingMode(mode);
    return this;
  }

  getCheckpointConfig(): CheckpointConfig {
    return this.#checkpointConfig;
  }

  /** The keyed state backend and checkpoint storage: HashMapStateBackend, FsStateBackend, LevelDBStateBackend, ... */
  setStateBackend(backend: StateBackend): this {
    if (typeof backend?.applyTo !== 'function') {
      throw new IllegalArgumentError(
        'setStateBackend takes a state backend: new HashMapStateBackend(), new MemoryStateBackend(), ' +
          "new FsStateBackend('file:///path') or new LevelDBStateBackend('file:///path')",
      );
    }
    backend.applyTo(this.#configuration);
    return this;
  }

  /** How the job restarts after a failure (default: none, or fixed-delay forever when checkpointing is on). */
  setRestartStrategy(strategy: RestartStrategyConfiguration): this {
    if (!(strategy instanceof RestartStrategyConfiguration)) {
      throw new IllegalArgumentError('setRestartStrategy takes a RestartStrategies.* configuration');
    }
    strategy.applyTo(this.#configuration);
    return this;
  }

  /** The job's configuration (a live view: changes apply to the next execute). */
  getConfiguration(): Configuration {
    return this.#configuration;
  }

  getJobModule(): JobModuleRef | undefined {
    return this.#jobModule;
  }

  // ---- sources ----

  /** A non-parallel bounded source of the given elements. */
  fromElements<T>(...elements: T[]): SingleOutputStreamOperator<T> {
    return this.fromCollection(elements);
  }

  /** A non-parallel bounded source of the collection's elements. */
  fromCollection<T>(collection: Iterable<T>): SingleOutputStreamOperator<T> {
    const elements = [...collection];
    return this.addSource(new CollectionSource(elements), WatermarkStrategy.noWatermarks(), 'Collection Source', true);
  }

  /** A parallel bounded source of the integers from `from` to `to`, inclusive. */
  fromSequence(from: number, to: number): SingleOutputStreamOperator<number> {
    return this.addSource(new NumberSequenceSource(from, to), WatermarkStrategy.noWatermarks(), 'Sequence Source', false);
  }

  fromSource<T>(source: Source<T>, watermarkStrategy: WatermarkStrategy<T>, sourceName: string): SingleOutputStreamOperator<T> {
    return this.addSource(source, watermarkStrategy, sourceName, false);
  }

  private addSource<T>(
    source: Source<T>,
    strategy: WatermarkStrategy<T>,
    name: string,
    nonParallel: boolean,
  ): SingleOutputStreamOperator<T> {
    const t = new SourceTransformation<T>(this.nextTransformationId(), name, source, strategy, nonParallel);
    this.addOperator(t);
    return new SingleOutputStreamOperator<T>(this, t);
  }

  // ---- graph ----

  /** @internal */
  nextTransformationId(): number {
    return this.#nextId++;
  }

  /** @internal */
  addOperator(transformation: Transformation): void {
    this.#transformations.push(transformation);
  }

  /** @internal */
  createKeyedStream<T, K>(transformation: PartitionTransformation<T>, keySelector: (value: T) => K): KeyedStream<T, K> {
    return new KeyedStream<T, K>(this, transformation, keySelector);
  }

  getStreamGraph(jobName = DEFAULT_JOB_NAME): StreamGraph {
    if (this.#transformations.length === 0) {
      throw new IllegalStateError('No operators defined in streaming topology. Cannot execute.');
    }
    return generateStreamGraph(this.#transformations, {
      jobName,
      parallelism: this.getParallelism(),
      maxParallelism: this.getMaxParallelism(),
      chainingEnabled: this.isChainingEnabled(),
    });
  }

  /** The plan as JSON, in the shape of Flink's `getExecutionPlan()`. */
  getExecutionPlan(): string {
    return JSON.stringify(executionPlan(this.getStreamGraph()), null, 2);
  }

  /** The job graph: chained vertices with parallelism, slot-sharing group, operator ids and inputs. */
  getJobGraph(jobName = DEFAULT_JOB_NAME): JobGraph {
    return createJobGraph(this.getStreamGraph(jobName), randomId());
  }

  // ---- execution ----

  /** Runs the job and resolves when it finishes (rejects when it fails). */
  async execute(jobName = DEFAULT_JOB_NAME): Promise<JobExecutionResult> {
    const client = await this.executeAsync(jobName);
    return client.getJobExecutionResult();
  }

  /** Submits the job and resolves with a client for it as soon as it runs. */
  async executeAsync(jobName = DEFAULT_JOB_NAME): Promise<JobClient> {
    const submitted = await this.#submit(jobName, undefined);
    return submitted.client;
  }

  /** @internal Used by DataStream.executeAndCollect. */
  executeCollecting<T>(
    collect: OneInputTransformation<T, never>,
    jobName: string | undefined,
    limit: number | undefined,
  ): AsyncIterableIterator<T> | Promise<T[]> {
    const start = async (): Promise<AsyncIterableIterator<T>> => {
      const graph = this.getStreamGraph(jobName ?? DEFAULT_JOB_NAME);
      const node = graph.nodes.get(collect.id);
      if (node === undefined) throw new IllegalStateError('executeAndCollect: the collect sink is not in the graph');
      const submitted = await this.#submit(jobName ?? DEFAULT_JOB_NAME, node.operatorId, graph);
      return submitted.collected as AsyncIterableIterator<T>;
    };
    if (limit !== undefined) {
      return (async () => {
        const iterator = await start();
        const out: T[] = [];
        if (limit > 0) {
          for await (const value of iterator) {
            out.push(value);
            if (out.length >= limit) break;
          }
        } else {
          await iterator.return?.();
        }
        return out;
      })();
    }
    return lazyIterator(start);
  }

  async #submit(jobName: string, collectOperatorId: string | undefined, graph?: StreamGraph): Promise<SubmittedJob> {
    const streamGraph = graph ?? this.getStreamGraph(jobName);
    const jobGraph = createJobGraph(streamGraph, randomId());
    const factory = getDefaultExecutorFactory();
    const executor = this.#executor ?? factory?.();
    if (executor === undefined) {
      throw new IllegalStateError(
        "No executor is installed: import from 'sluice' (the package entry point), which installs the embedded runtime",
      );
    }
    this.#transformations = [];
    return executor.submit({
      streamGraph,
      jobGraph,
      configuration: this.#configuration.clone(),
      jobModule: this.#jobModule,
      collectOperatorId,
    });
  }
}

function lazyIterator<T>(start: () => Promise<AsyncIterableIterator<T>>): AsyncIterableIterator<T> {
  let started: Promise<AsyncIterableIterator<T>> | undefined;
  const get = (): Promise<AsyncIterableIterator<T>> => (started ??= start());
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      return (await get()).next();
    },
    async return(value?: unknown) {
      if (started === undefined) return { done: true, value: value as T };
      const it = await started;
      return it.return ? it.return(value) : { done: true, value: value as T };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
