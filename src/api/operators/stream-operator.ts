// The operator contract the runtime drives: setup, state initialization, open, elements, watermarks and timers
// by direct calls, snapshot, finish, close.

import type { Configuration } from '../../config/configuration.ts';
import type { Clock } from '../../core/clock.ts';
import { IllegalStateError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { MIN_WATERMARK, type LatencyMarker } from '../../core/stream-element.ts';
import type { InternalTimerService } from '../../state/internal-timer-service.ts';
import type { InternalTimer } from '../../state/internal-timer.ts';
import type { KeyedStateBackend } from '../../state/keyed-state-backend.ts';
import type { KeyedStateSnapshot } from '../../state/keyed-state-snapshot.ts';
import {
  isCheckpointListener,
  isCheckpointedFunction,
  type FunctionInitializationContext,
  type FunctionSnapshotContext,
  type KeyedStateStore,
  type OperatorStateBackend,
  type OperatorStateSnapshot,
  type OperatorStateStore,
} from '../../state/operator-state.ts';
import type { ProcessingTimeService } from '../../state/processing-time-service.ts';
import type {
  CheckpointableKeyedStateBackend,
  KeyedStateHandle,
  SnapshotStorageLocation,
  StreamStateHandle,
} from '../../state/state-handle.ts';
import { encodeKeyedSnapshot } from '../../state/keyed-snapshot-codec.ts';
import { encodeSnapshot, writeStreamStateHandle } from '../../state/stream-state-io.ts';
import { isRichFunction, type Collector, type RuntimeContext } from '../functions.ts';
import type { OutputTag } from '../output-tag.ts';

/**
 * Where an operator emits. Chained operators share one call path: `collect` on an operator's output is a direct
 * call into the next operator's `processElement` (or into the task's record writer at the end of the chain).
 */
export interface Output<T> {
  collect(value: T, timestamp: number): void;
  /** Emits into the side output named by `tag`; dropped when nothing reads that side output. */
  collectSide<X>(tag: OutputTag<X>, value: X, timestamp: number): void;
  emitWatermark(timestamp: number): void;
  /** Tells downstream this output is idle (holds back no watermark) or active again (Flink's WatermarkStatus). */
  emitWatermarkStatus(idle: boolean): void;
  emitLatencyMarker(marker: LatencyMarker): void;
}

/** What the runtime gives an operator before it opens. */
export interface OperatorContext {
  readonly operatorId: string;
  readonly operatorName: string;
  readonly runtimeContext: RuntimeContext;
  readonly jobConfig: Configuration;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The task's processing-time service: its callbacks run on the task's thread between batches. */
  readonly processingTimeService: ProcessingTimeService;
  /** This subtask's keyed state, when the operator runs on a keyed stream. */
  readonly keyedStateBackend: KeyedStateBackend | undefined;
  /** The key of a record of each input (index 0 for one-input operators), when the operator is keyed. */
  readonly stateKeySelectors: readonly (((value: unknown) => unknown) | undefined)[];
  readonly operatorStateBackend: OperatorStateBackend;
}

/** What an operator restores from (already narrowed to this subtask's key groups and list-state share). */
export interface OperatorRestoreState {
  readonly keyed: readonly KeyedStateSnapshot[];
  readonly operator: OperatorStateSnapshot | undefined;
}

/** An operator's state at a checkpoint, as plain data. */
export interface OperatorSnapshot {
  readonly keyed: KeyedStateSnapshot | undefined;
  readonly operator: OperatorStateSnapshot | undefined;
}

/**
 * The keyed part of a snapshot. A savepoint (self-contained: its shared directory is its own) is written in the
 * canonical format — a heap-format handle of plain data — whichever backend holds the state, so any backend can
 * restore it; checkpoints use the backend's own (LevelDB: incremental) format.
 */
function keyedSnapshotWriter(backend: CheckpointableKeyedStateBackend, location: SnapshotStorageLocation): () => Promise<KeyedStateHandle> {
  const canonical = (backend as { snapshotAsync?: () => Promise<KeyedStateSnapshot> }).snapshotAsync;
  if (location.sharedDir !== '.' || canonical === undefined) return backend.snapshotToStorage(location);
  const capture = canonical.call(backend); // captured now; read asynchronously
  return async () => {
    const snapshot = await capture;
    const data = await writeStreamStateHandle(location, 'keyed', encodeKeyedSnapshot(snapshot, location.compression));
    return {
      kind: 'heap',
      keyGroupRange: snapshot.keyGroupRange,
      maxParallelism: snapshot.maxParallelism,
      compressed: location.compression,
      data,
    };
  };
}

/** What one operator of one subtask stored for a checkpoint. */
export interface OperatorSubtaskStateHandles {
  readonly keyed: readonly KeyedStateHandle[];
  readonly operator: StreamStateHandle | undefined;
}

/** Receives the timers of an InternalTimerService (Flink's `Triggerable`). */
export interface Triggerable {
  onEventTime(timer: InternalTimer): void;
  onProcessingTime(timer: InternalTimer): void;
}

/** Base of every stream operator; one instance per subtask. */
export abstract class AbstractStreamOperator<OUT> {
  protected output!: Output<OUT>;
  protected context!: OperatorContext;
  /** The last watermark this operator received (the combined one for two inputs). */
  protected currentInputWatermark = MIN_WATERMARK;
  /** Timer services with their Triggerable; a watermark advances each before it is forwarded. */
  readonly #timerServices: { service: InternalTimerService; target: Triggerable }[] = [];
  #restored = false;

  setup(context: OperatorContext, output: Output<OUT>): void {
    this.context = context;
    this.output = output;
  }

  /**
   * Restores keyed and operator state (when given), then lets the user function initialize its state. Called
   * after setup and before open, on a fresh start too (with `restored` undefined).
   */
  async initializeState(restored: OperatorRestoreState | undefined): Promise<void> {
    this.#restored = restored !== undefined;
    if (restored !== undefined) {
      if (restored.keyed.length > 0) {
        const backend = this.context.keyedStateBackend;
        if (backend === undefined) {
          throw new IllegalStateError(
            `operator '${this.context.operatorName}' has keyed state in the snapshot but is not on a keyed stream now`,
          );
        }
        backend.restore(restored.keyed);
      }
      if (restored.operator !== undefined) this.context.operatorStateBackend.restore(restored.operator);
    }
    await this.initializeUserState(this.#initializationContext());
  }

  /** Hook for operators around user functions: hand `context` to a CheckpointedFunction. */
  protected initializeUserState(_context: FunctionInitializationContext): void | Promise<void> {}

  /** Hook for operators around user functions: let a CheckpointedFunction copy its data into its states. */
  protected snapshotUserState(_context: FunctionSnapshotContext): void | Promise<void> {}

  /** Captures the operator's state (user function first); the capture is plain data, safe to serialize later. */
  async snapshotState(checkpointId: number, timestamp: number): Promise<OperatorSnapshot> {
    await this.snapshotUserState({ getCheckpointId: () => checkpointId, getCheckpointTimestamp: () => timestamp });
    const operator = this.context.operatorStateBackend.snapshot();
    return {
      keyed: this.context.keyedStateBackend?.snapshot(),
      operator: operator.states.length > 0 ? operator : undefined,
    };
  }

  /**
   * Checkpoint `checkpointId`: lets the user function copy its data into state, captures keyed and operator
   * state synchronously (processing may go on right after this resolves), and returns the writer that stores
   * the capture through `location` off the hot path.
   */
  async snapshotToStorage(
    checkpointId: number,
    timestamp: number,
    location: SnapshotStorageLocation,
  ): Promise<() => Promise<OperatorSubtaskStateHandles>> {
    await this.snapshotUserState({ getCheckpointId: () => checkpointId, getCheckpointTimestamp: () => timestamp });
    const backend = this.context.keyedStateBackend as CheckpointableKeyedStateBackend | undefined;
    const keyedWriter = backend === undefined ? undefined : keyedSnapshotWriter(backend, location);
    const operatorCapture = this.context.operatorStateBackend.snapshot();
    return async () => {
      const keyed = keyedWriter === undefined ? [] : [await keyedWriter()];
      const operator =
        operatorCapture.states.length === 0
          ? undefined
          : // Operator state is small (source positions, buffers): never compressed, so restore needs no flag.
          await writeStreamStateHandle(location, 'operator', encodeSnapshot(operatorCapture, false));
      return { keyed, operator };
    };
  }

  /** Checkpoint `checkpointId` is complete everywhere (two-phase-commit sinks publish now). */
  notifyCheckpointComplete(checkpointId: number): void | Promise<void> {
    (this.context.keyedStateBackend as CheckpointableKeyedStateBackend | undefined)?.notifyCheckpointComplete?.(checkpointId);
  }

  notifyCheckpointAborted(checkpointId: number): void | Promise<void> {
    (this.context.keyedStateBackend as CheckpointableKeyedStateBackend | undefined)?.notifyCheckpointAborted?.(checkpointId);
  }

  open(): void | Promise<void> {}

  /** End of input: emit whatever is buffered. Called head to tail, so downstream operators still accept output. */
  finish(): void | Promise<void> {}

  close(): void | Promise<void> {}

  /** Fires the event-time timers due at `timestamp`, then forwards the watermark. */
  processWatermark(timestamp: number): void {
    this.currentInputWatermark = timestamp;
    const services = this.#timerServices;
    for (let i = 0; i < services.length; i++) {
      const { service, target } = services[i]!;
      service.advanceWatermark(timestamp, (timer) => target.onEventTime(timer));
    }
    this.output.emitWatermark(timestamp);
  }

  processWatermarkStatus(idle: boolean): void {
    this.output.emitWatermarkStatus(idle);
  }

  processLatencyMarker(marker: LatencyMarker): void {
    this.output.emitLatencyMarker(marker);
  }

  /** The keyed state backend; throws when the operator is not on a keyed stream. */
  getKeyedStateBackend(): KeyedStateBackend {
    const backend = this.context.keyedStateBackend;
    if (backend === undefined) {
      throw new IllegalStateError(
        `operator '${this.context.operatorName}' needs keyed state or timers, which exist only on a keyed stream: ` +
          `call keyBy() before it`,
      );
    }
    return backend;
  }

  /**
   * The named timer service of this operator (keyed state: timers belong to the current key). Event-time timers
   * fire as watermarks arrive, before the watermark is forwarded; processing-time timers fire from the task's
   * processing-time service, between batches.
   */
  getInternalTimerService(name: string, target: Triggerable): InternalTimerService {
    const backend = this.getKeyedStateBackend();
    const existing = this.#timerServices.find((s) => s.service.name === name);
    if (existing !== undefined) return existing.service;
    const service = backend.getTimerService(name, {
      processingTimeService: this.context.processingTimeService,
      onProcessingTime: (timer) => target.onProcessingTime(timer),
    });
    this.#timerServices.push({ service, target });
    return service;
  }

  /** Makes `key` current in the keyed backend (timers and state then act on it). */
  setCurrentKey(key: unknown): void {
    this.getKeyedStateBackend().setCurrentKey(key as never);
  }

  getCurrentKey(): unknown {
    return this.getKeyedStateBackend().getCurrentKey();
  }

  #initializationContext(): FunctionInitializationContext {
    const restored = this.#restored;
    const operatorState: OperatorStateStore = this.context.operatorStateBackend;
    return {
      isRestored: () => restored,
      getOperatorStateStore: () => operatorState,
      getKeyedStateStore: (): KeyedStateStore => this.getKeyedStateBackend(),
    };
  }
}

/** An operator with one logical input (a union of several streams still counts as one). */
export abstract class OneInputStreamOperator<IN, OUT> extends AbstractStreamOperator<OUT> {
  abstract processElement(value: IN, timestamp: number): void;
}

/**
 * An operator with two inputs of different types (connect, joins). The operator's watermark is the minimum of
 * its two inputs' watermarks; an idle input holds back nothing.
 */
export abstract class TwoInputStreamOperator<IN1, IN2, OUT> extends AbstractStreamOperator<OUT> {
  #input1Watermark = MIN_WATERMARK;
  #input2Watermark = MIN_WATERMARK;
  #input1Idle = false;
  #input2Idle = false;
  #combinedIdle = false;

  abstract processElement1(value: IN1, timestamp: number): void;
  abstract processElement2(value: IN2, timestamp: number): void;

  /** The combined watermark of both inputs: the last one passed to `processWatermark` (for metrics). */
  get combinedInputWatermark(): number {
    return this.currentInputWatermark;
  }

  processWatermark1(timestamp: number): void {
    this.#input1Watermark = timestamp;
    this.#advance();
  }

  processWatermark2(timestamp: number): void {
    this.#input2Watermark = timestamp;
    this.#advance();
  }

  processWatermarkStatus1(idle: boolean): void {
    this.#input1Idle = idle;
    this.#statusChanged();
  }

  processWatermarkStatus2(idle: boolean): void {
    this.#input2Idle = idle;
    this.#statusChanged();
  }

  #statusChanged(): void {
    const idle = this.#input1Idle && this.#input2Idle;
    if (idle !== this.#combinedIdle) {
      this.#combinedIdle = idle;
      this.output.emitWatermarkStatus(idle);
    }
    // An input going idle may release the other input's watermark.
    if (!idle) this.#advance();
  }

  #advance(): void {
    let wm: number;
    if (this.#input1Idle && !this.#input2Idle) wm = this.#input2Watermark;
    else if (this.#input2Idle && !this.#input1Idle) wm = this.#input1Watermark;
    else wm = Math.min(this.#input1Watermark, this.#input2Watermark);
    if (wm > this.currentInputWatermark) this.processWatermark(wm);
  }
}

/**
 * The life cycle of a user function inside an operator, shared by one- and two-input operators: Rich functions
 * get their runtime context (before `initializeState`, as in Flink, so state descriptors work there) and
 * `open`/`close`; a CheckpointedFunction gets `initializeState`/`snapshotState`; a CheckpointListener hears of
 * completed and aborted checkpoints.
 */
export const UserFunctionLifecycle = Object.freeze({
  async initializeState(fn: unknown, runtimeContext: RuntimeContext, context: FunctionInitializationContext): Promise<void> {
    if (isRichFunction(fn)) fn.setRuntimeContext(runtimeContext);
    if (isCheckpointedFunction(fn)) await fn.initializeState(context);
  },
  async snapshotState(fn: unknown, context: FunctionSnapshotContext): Promise<void> {
    if (isCheckpointedFunction(fn)) await fn.snapshotState(context);
  },
  async open(fn: unknown, runtimeContext: RuntimeContext, config: OperatorContext['jobConfig']): Promise<void> {
    if (isRichFunction(fn)) {
      fn.setRuntimeContext(runtimeContext);
      await fn.open(config);
    }
  },
  async close(fn: unknown): Promise<void> {
    if (isRichFunction(fn)) await fn.close();
  },
  async notifyCheckpointComplete(fn: unknown, checkpointId: number): Promise<void> {
    if (isCheckpointListener(fn)) await fn.notifyCheckpointComplete(checkpointId);
  },
  async notifyCheckpointAborted(fn: unknown, checkpointId: number): Promise<void> {
    if (isCheckpointListener(fn)) await fn.notifyCheckpointAborted?.(checkpointId);
  },
});

/** An operator around a user function: see UserFunctionLifecycle. */
export abstract class AbstractUdfStreamOperator<IN, OUT, F> extends OneInputStreamOperator<IN, OUT> {
  constructor(protected readonly userFunction: F) {
    super();
  }

  protected override initializeUserState(context: FunctionInitializationContext): Promise<void> {
    return UserFunctionLifecycle.initializeState(this.userFunction, this.context.runtimeContext, context);
  }

  protected override snapshotUserState(context: FunctionSnapshotContext): Promise<void> {
    return UserFunctionLifecycle.snapshotState(this.userFunction, context);
  }

  override async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    await super.notifyCheckpointComplete(checkpointId);
    await UserFunctionLifecycle.notifyCheckpointComplete(this.userFunction, checkpointId);
  }

  override async notifyCheckpointAborted(checkpointId: number): Promise<void> {
    await super.notifyCheckpointAborted(checkpointId);
    await UserFunctionLifecycle.notifyCheckpointAborted(this.userFunction, checkpointId);
  }

  override open(): Promise<void> {
    return UserFunctionLifecycle.open(this.userFunction, this.context.runtimeContext, this.context.jobConfig);
  }

  override close(): Promise<void> {
    return UserFunctionLifecycle.close(this.userFunction);
  }
}

/** A Collector that emits with the timestamp of the record being processed (Flink's TimestampedCollector). */
export class TimestampedCollector<T> implements Collector<T> {
  timestamp: number;
  constructor(private readonly output: Output<T>, timestamp: number) {
    this.timestamp = timestamp;
  }
  collect(record: T): void {
    this.output.collect(record, this.timestamp);
  }
}
