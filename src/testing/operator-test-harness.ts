// Operator test harnesses (Flink's OneInputStreamOperatorTestHarness and friends): drive one operator with
// records, watermarks and virtual processing time, and read what it emits, its timers and its state.

import type { OutputTag } from '../api/output-tag.ts';
import {
  TwoInputStreamOperator,
  type AbstractStreamOperator,
  type OneInputStreamOperator,
  type OperatorRestoreState,
  type OperatorSnapshot,
  type Output,
} from '../api/operators/stream-operator.ts';
import { Configuration } from '../config/configuration.ts';
import { ManualClock } from '../core/clock.ts';
import { IllegalStateError } from '../core/errors.ts';
import { silentLogger } from '../core/logger.ts';
import { NO_TIMESTAMP, type LatencyMarker } from '../core/stream-element.ts';
import { readMetricSettings } from '../config/metric-options.ts';
import { MetricRegistry } from '../metrics/metric-registry.ts';
import { TaskManagerMetricGroup } from '../metrics/task-manager-metric-group.ts';
import type { TaskSpec } from '../runtime/protocol.ts';
import { StreamingRuntimeContext } from '../runtime/streaming-runtime-context.ts';
import { HeapKeyedStateBackend } from '../state/heap-keyed-state-backend.ts';
import { HeapOperatorStateBackend, redistributeOperatorState } from '../state/heap-operator-state-backend.ts';
import { computeDefaultMaxParallelism, KeyGroupRange, type Key } from '../state/key-group.ts';
import { ManualProcessingTimeService } from '../state/manual-processing-time-service.ts';

/** One element an operator emitted, in order (records without a timestamp have `timestamp: undefined`). */
export type HarnessOutput<T> =
  | { readonly kind: 'record'; readonly value: T; readonly timestamp: number | undefined }
  | { readonly kind: 'watermark'; readonly timestamp: number }
  | { readonly kind: 'status'; readonly idle: boolean }
  | { readonly kind: 'latency'; readonly marker: LatencyMarker };

export interface HarnessOptions {
  readonly maxParallelism?: number;
  readonly parallelism?: number;
  readonly subtaskIndex?: number;
  /** The processing time the virtual clock starts at (default 0). */
  readonly initialProcessingTime?: number;
  readonly configuration?: Configuration;
}

class CollectingOutput<T> implements Output<T> {
  readonly main: HarnessOutput<T>[] = [];
  readonly sides = new Map<string, HarnessOutput<unknown>[]>();
  collect(value: T, timestamp: number): void {
    this.main.push({ kind: 'record', value, timestamp: timestamp === NO_TIMESTAMP ? undefined : timestamp });
  }
  collectSide<X>(tag: OutputTag<X>, value: X, timestamp: number): void {
    const list = this.sides.get(tag.id) ?? [];
    list.push({ kind: 'record', value, timestamp: timestamp === NO_TIMESTAMP ? undefined : timestamp });
    this.sides.set(tag.id, list);
  }
  emitWatermark(timestamp: number): void {
    this.main.push({ kind: 'watermark', timestamp });
  }
  emitWatermarkStatus(idle: boolean): void {
    this.main.push({ kind: 'status', idle });
  }
  emitLatencyMarker(marker: LatencyMarker): void {
    this.main.push({ kind: 'latency', marker });
  }
}

/**
 * The shared part of every harness: builds the operator's context with a virtual processing-time clock, heap
 * state backends and a real metric group, and exposes its output, timers and state.
 */
export abstract class AbstractStreamOperatorTestHarness<OUT> {
  /** Processing time as the operator sees it; move it with `setProcessingTime` / `advanceProcessingTime`. */
  readonly processingTimeService: ManualProcessingTimeService;
  readonly maxParallelism: number;
  readonly parallelism: number;
  readonly subtaskIndex: number;
  readonly keyedStateBackend: HeapKeyedStateBackend | undefined;
  readonly operatorStateBackend = new HeapOperatorStateBackend();
  readonly #output = new CollectingOutput<OUT>();
  #restore: OperatorRestoreState | undefined;
  #state: 'new' | 'open' | 'closed' = 'new';

  protected constructor(
    readonly operator: AbstractStreamOperator<OUT>,
    readonly keySelectors: readonly (((value: never) => unknown) | undefined)[],
    options: HarnessOptions = {},
  ) {
    this.parallelism = options.parallelism ?? 1;
    this.subtaskIndex = options.subtaskIndex ?? 0;
    this.maxParallelism = options.maxParallelism ?? computeDefaultMaxParallelism(this.parallelism);
    const clock = new ManualClock(options.initialProcessingTime ?? 0);
    this.processingTimeService = new ManualProcessingTimeService(clock);
    const keyed = keySelectors.some((k) => k !== undefined);
    this.keyedStateBackend = keyed
      ? new HeapKeyedStateBackend({
          keyGroupRange: KeyGroupRange.forOperator(this.maxParallelism, this.parallelism, this.subtaskIndex),
          maxParallelism: this.maxParallelism,
          clock,
        })
      : undefined;
    const configuration = options.configuration ?? new Configuration();
    const spec = {
      jobId: '00000000000000000000000000000000',
      jobName: 'Test Job',
      vertexId: 'test-vertex',
      vertexName: 'Test',
      subtaskIndex: this.subtaskIndex,
      parallelism: this.parallelism,
      maxParallelism: this.maxParallelism,
      attemptNumber: 0,
    } as TaskSpec;
    const registry = new MetricRegistry({ ...readMetricSettings(configuration), reporters: [] }, clock, silentLogger);
    const metrics = new TaskManagerMetricGroup(registry, 'localhost', 'test-tm')
      .addJob(spec.jobId, spec.jobName)
      .addTask({ vertexId: spec.vertexId, attemptId: 'a0', taskName: 'Test', subtaskIndex: this.subtaskIndex, attemptNumber: 0 })
      .getOrAddOperator('test-operator', 'Test');
    operator.setup(
      {
        operatorId: 'test-operator',
        operatorName: 'Test',
        runtimeContext: new StreamingRuntimeContext(spec, silentLogger, metrics, 'Test', this.keyedStateBackend),
        jobConfig: configuration,
        clock,
        logger: silentLogger,
        processingTimeService: this.processingTimeService,
        keyedStateBackend: this.keyedStateBackend,
        stateKeySelectors: keySelectors as readonly (((value: unknown) => unknown) | undefined)[],
        operatorStateBackend: this.operatorStateBackend,
      },
      this.#output,
    );
  }

  /** Restores the operator from a snapshot (call before `open`); see `repartitionSnapshots` for rescaling. */
  initializeState(restored: OperatorSnapshot | OperatorRestoreState): void {
    if (this.#state !== 'new') throw new IllegalStateError('initializeState must be called before open()');
    this.#restore = 'keyed' in restored && Array.isArray(restored.keyed)
      ? (restored as OperatorRestoreState)
      : toRestoreState(restored as OperatorSnapshot);
  }

  /** Initializes state (restoring what `initializeState` was given) and opens the operator. */
  async open(): Promise<void> {
    if (this.#state !== 'new') throw new IllegalStateError('open() may be called once');
    await this.operator.initializeState(this.#restore);
    await this.operator.open();
    this.#state = 'open';
  }

  processWatermark(timestamp: number): void {
    this.#checkOpen();
    this.operator.processWatermark(timestamp);
  }

  processWatermarkStatus(idle: boolean): void {
    this.#checkOpen();
    this.operator.processWatermarkStatus(idle);
  }

  /** Moves processing time to `time`, firing due processing-time timers. */
  setProcessingTime(time: number): void {
    this.#checkOpen();
    this.processingTimeService.setCurrentTime(time);
  }

  advanceProcessingTime(ms: number): void {
    this.#checkOpen();
    this.processingTimeService.advance(ms);
  }

  /** A snapshot as a checkpoint takes it (plain data). */
  snapshot(checkpointId = 1, timestamp = 0): Promise<OperatorSnapshot> {
    this.#checkOpen();
    return this.operator.snapshotState(checkpointId, timestamp);
  }

  /** Ends the input: the operator emits what it buffers (a bounded stream then sends the max watermark first). */
  async endInput(): Promise<void> {
    this.#checkOpen();
    await this.operator.finish();
  }

  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    await this.operator.close();
    this.keyedStateBackend?.dispose();
  }

  /** Everything emitted on the main output, in order. */
  getOutput(): readonly HarnessOutput<OUT>[] {
    return this.#output.main;
  }

  /** The values of the records emitted on the main output, in order. */
  extractOutputValues(): OUT[] {
    return this.#output.main.flatMap((e) => (e.kind === 'record' ? [e.value] : []));
  }

  /** Records with their timestamps. */
  extractOutputRecords(): { value: OUT; timestamp: number | undefined }[] {
    return this.#output.main.flatMap((e) => (e.kind === 'record' ? [{ value: e.value, timestamp: e.timestamp }] : []));
  }

  /** The watermarks emitted, in order. */
  extractWatermarks(): number[] {
    return this.#output.main.flatMap((e) => (e.kind === 'watermark' ? [e.timestamp] : []));
  }

  /** What the operator emitted into the side output `tag`. */
  getSideOutput<X>(tag: OutputTag<X>): { value: X; timestamp: number | undefined }[] {
    return (this.#output.sides.get(tag.id) ?? []).flatMap((e) =>
      e.kind === 'record' ? [{ value: e.value as X, timestamp: e.timestamp }] : [],
    );
  }

  /** Forgets the output seen so far. */
  clearOutput(): void {
    this.#output.main.length = 0;
    this.#output.sides.clear();
  }

  /** Keyed state entries held (all states, keys and namespaces). */
  numKeyedStateEntries(): number {
    return this.keyedStateBackend?.numKeyValueStateEntries() ?? 0;
  }

  /** Registered event-time timers over all of the operator's timer services. */
  numEventTimeTimers(): number {
    return this.#timerServices().reduce((n, s) => n + s.numEventTimeTimers(), 0);
  }

  numProcessingTimeTimers(): number {
    return this.#timerServices().reduce((n, s) => n + s.numProcessingTimeTimers(), 0);
  }

  #timerServices(): { numEventTimeTimers(): number; numProcessingTimeTimers(): number }[] {
    const backend = this.keyedStateBackend;
    return backend === undefined ? [] : backend.timerServices();
  }

  protected setKeyOf(input: number, value: unknown): void {
    const keyOf = this.keySelectors[input];
    if (keyOf !== undefined) this.keyedStateBackend!.setCurrentKey((keyOf as (v: unknown) => unknown)(value) as Key);
  }

  protected checkOpen(): void {
    this.#checkOpen();
  }

  #checkOpen(): void {
    if (this.#state !== 'open') throw new IllegalStateError(`the harness is ${this.#state}: call open() first`);
  }
}

/** Drives a one-input operator (non-keyed). */
export class OneInputStreamOperatorTestHarness<IN, OUT> extends AbstractStreamOperatorTestHarness<OUT> {
  constructor(operator: OneInputStreamOperator<IN, OUT>, options?: HarnessOptions);
  constructor(operator: OneInputStreamOperator<IN, OUT>, keySelector: ((value: IN) => unknown) | undefined, options?: HarnessOptions);
  constructor(
    readonly oneInputOperator: OneInputStreamOperator<IN, OUT>,
    a?: ((value: IN) => unknown) | HarnessOptions,
    b?: HarnessOptions,
  ) {
    super(oneInputOperator, [typeof a === 'function' ? a : undefined], typeof a === 'function' ? b : a);
  }

  /** Pushes one record (with its event timestamp, if any) into the operator. */
  processElement(value: IN, timestamp?: number): void {
    this.checkOpen();
    this.setKeyOf(0, value);
    this.oneInputOperator.processElement(value, timestamp ?? NO_TIMESTAMP);
  }

  processElements(values: Iterable<IN>, timestampOf?: (value: IN) => number): void {
    for (const v of values) this.processElement(v, timestampOf?.(v));
  }
}

/**
 * Drives a keyed one-input operator: each record's key is set in the keyed backend first, as the task does.
 *
 * @example
 * const harness = new KeyedOneInputStreamOperatorTestHarness(new KeyedProcessOperator(new Timeout()), (c) => c.user);
 * await harness.open();
 * harness.processElement({ user: 'a' }, 1_000);
 * harness.processWatermark(61_000);
 * expect(harness.extractOutputValues()).toEqual(['a idle since 1000']);
 */
export class KeyedOneInputStreamOperatorTestHarness<IN, OUT, K = unknown> extends OneInputStreamOperatorTestHarness<IN, OUT> {
  constructor(operator: OneInputStreamOperator<IN, OUT>, keySelector: (value: IN) => K, options?: HarnessOptions) {
    super(operator, keySelector, options);
  }
}

/** Drives a two-input operator; keyed when key selectors are given. */
export class TwoInputStreamOperatorTestHarness<IN1, IN2, OUT> extends AbstractStreamOperatorTestHarness<OUT> {
  constructor(
    readonly twoInputOperator: TwoInputStreamOperator<IN1, IN2, OUT>,
    keySelector1?: (value: IN1) => unknown,
    keySelector2?: (value: IN2) => unknown,
    options?: HarnessOptions,
  ) {
    if (!(twoInputOperator instanceof TwoInputStreamOperator)) {
      throw new IllegalStateError('TwoInputStreamOperatorTestHarness takes a TwoInputStreamOperator');
    }
    super(twoInputOperator, [keySelector1, keySelector2], options);
  }

  processElement1(value: IN1, timestamp?: number): void {
    this.checkOpen();
    this.setKeyOf(0, value);
    this.twoInputOperator.processElement1(value, timestamp ?? NO_TIMESTAMP);
  }

  processElement2(value: IN2, timestamp?: number): void {
    this.checkOpen();
    this.setKeyOf(1, value);
    this.twoInputOperator.processElement2(value, timestamp ?? NO_TIMESTAMP);
  }

  processWatermark1(timestamp: number): void {
    this.checkOpen();
    this.twoInputOperator.processWatermark1(timestamp);
  }

  processWatermark2(timestamp: number): void {
    this.checkOpen();
    this.twoInputOperator.processWatermark2(timestamp);
  }

  /** Both inputs' watermarks at once. */
  override processWatermark(timestamp: number): void {
    this.processWatermark1(timestamp);
    this.processWatermark2(timestamp);
  }
}

/** A keyed two-input harness (connect of two keyed streams, joins). */
export class KeyedTwoInputStreamOperatorTestHarness<IN1, IN2, OUT, K = unknown> extends TwoInputStreamOperatorTestHarness<
  IN1,
  IN2,
  OUT
> {
  constructor(
    operator: TwoInputStreamOperator<IN1, IN2, OUT>,
    keySelector1: (value: IN1) => K,
    keySelector2: (value: IN2) => K,
    options?: HarnessOptions,
  ) {
    super(operator, keySelector1, keySelector2, options);
  }
}

function toRestoreState(snapshot: OperatorSnapshot): OperatorRestoreState {
  return { keyed: snapshot.keyed === undefined ? [] : [snapshot.keyed], operator: snapshot.operator };
}

/**
 * What new subtask `subtaskIndex` of `newParallelism` restores from the snapshots of all old subtasks: keyed state
 * of every old subtask (the backend keeps its own key groups) and its share of the operator state.
 */
export function repartitionSnapshots(
  snapshots: readonly OperatorSnapshot[],
  newParallelism: number,
  subtaskIndex: number,
): OperatorRestoreState {
  const operator = redistributeOperatorState(
    snapshots.map((s) => s.operator),
    newParallelism,
  )[subtaskIndex];
  return { keyed: snapshots.flatMap((s) => (s.keyed === undefined ? [] : [s.keyed])), operator };
}
