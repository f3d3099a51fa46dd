// One subtask: pulls batches from its input gate (or its source reader), pushes every element through the
// operator chain by direct calls, and awaits only between batches (no input, no credit, yielding the thread).

import { SourceOperator } from '../api/operators/source-operator.ts';
import { TwoInputStreamOperator, type OneInputStreamOperator } from '../api/operators/stream-operator.ts';
import { Configuration } from '../config/configuration.ts';
import { CoreOptions } from '../config/options.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import { NO_TIMESTAMP, type CheckpointBarrier, type CheckpointType } from '../core/stream-element.ts';
import type { StreamGraph } from '../graph/stream-graph.ts';
import { annotateOperator } from './failure-annotation.ts';
import { SluiceError } from '../core/errors.ts';
import type { InputChannel, OutputChannel } from './network/channel.ts';
import { InputGate } from './network/input-gate.ts';
import { OperatorChain } from './operator-chain.ts';
import type { ChannelEndpoint, TaskSpec } from './protocol.ts';
import { TaskTimeAccounting } from './metrics/io-metrics.ts';
import { registerTaskMetrics } from './metrics/task-metrics.ts';
import type { TaskMetricGroup } from '../metrics/task-metric-group.ts';
import type { Key } from '../state/key-group.ts';
import type { CheckpointableKeyedStateBackend } from '../state/state-handle.ts';
import { createKeyedStateBackends } from './keyed-state-backends.ts';
import type { Cancellable, ProcessingTimeService } from '../state/processing-time-service.ts';
import { SystemProcessingTimeService } from '../state/system-processing-time-service.ts';
import type { KeyedStateBackend } from '../state/keyed-state-backend.ts';
import { StatusWatermarkValve } from './status-watermark-valve.ts';
import { eventLoopTurnDue, yieldThread } from './event-loop-turns.ts';
import { watermarkTarget } from './input-watermarks.ts';
import { CheckpointBarrierHandler } from './checkpoint-barrier-handler.ts';
import { Signal } from './network/channel.ts';
import type { TaskStateSnapshot } from '../checkpoint/checkpoint-coordinator.ts';
import { readStreamStateHandleLocalFirst } from '../state/stream-state-io.ts';
import { LocalStateCopies } from './local-state-copies.ts';


export interface TaskEnvironment {
  readonly graph: StreamGraph;
  readonly openOutput: (endpoint: ChannelEndpoint) => OutputChannel;
  readonly openInput: (endpoint: ChannelEndpoint) => InputChannel;
  readonly releaseChannels: (spec: TaskSpec) => void;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The task's metric group; operators' groups are made under it. */
  readonly metrics: TaskMetricGroup;
  /** Processing time for timers; default: wall-clock timers from `clock`. Tests pass a manual one. */
  readonly processingTimeService?: ProcessingTimeService;
  /** Where the task reports checkpoint acknowledgements and its end of input (to the JobManager). */
  readonly events?: TaskEventListener;
}

/** What a task tells the JobManager besides its result. */
export interface TaskEventListener {
  acknowledgeCheckpoint(checkpointId: number, state: TaskStateSnapshot): void;
  declineCheckpoint(checkpointId: number, error: unknown): void;
  /** The task finished its input and waits for the final checkpoint (checkpointing on). */
  endOfInput(): void;
  /** The task restored its state and opened its operators: it can take checkpoints from now on. */
  running(): void;
}


export type TaskOutcome = 'FINISHED' | 'CANCELED';


export class Task {
  #cancelled = false;
  /** An error raised outside the batch loop (a processing-time timer); the loop stops and rethrows it. */
  #asyncFailure: { error: unknown } | undefined;
  /** False once the chain has finished or failed: late processing-time callbacks are then dropped. */
  #running = false;
  #wakeOnCancel: (() => void) | undefined;
  /** Actions from the JobManager (checkpoint triggers and notifications), run by the task between batches. */
  readonly #mailbox: (() => Promise<void>)[] = [];
  readonly #mail = new Signal();
  /** At end of input: the id of the final checkpoint this task took, once it took it. */
  #finalCheckpointId = -1;
  #finalCheckpointComplete = false;
  /** Set by drain(): a source task treats its input as ended. */
  #draining = false;
  /** Set once the chain finished its input (the task then waits for the final checkpoint). */
  #atEndOfInput = false;
  /** Local recovery: the local copy files of each checkpoint this task wrote. */
  readonly #localCopies: LocalStateCopies | undefined;
  /** State parts this task restored from its local copies and from checkpoint storage (local recovery). */
  readonly restoredFrom = { local: 0, remote: 0 };
  /** Time the last barrier alignment took (ms), for the checkpointAlignmentTime metric. */
  lastAlignmentMs = 0;
  readonly #cancelledPromise: Promise<void>;
  readonly #bufferTimeout: number;
  readonly #watermarkInterval: number;
  readonly #latencyInterval: number;
  /** The job's configuration, parsed once for the task and its chain. */
  readonly #configuration: Configuration;
  #lastFlush = 0;
  /** Where this task's time goes; read by its metrics. */
  readonly time: TaskTimeAccounting;
  /** The running chain, once built; its operators' I/O counts are read by metrics. */
  chain: OperatorChain | undefined;

  constructor(
    readonly spec: TaskSpec,
    private readonly env: TaskEnvironment,
  ) {
    this.#cancelledPromise = new Promise<void>((resolve) => (this.#wakeOnCancel = resolve));
    const conf = Configuration.fromMap(spec.configuration);
    this.#configuration = conf;
    this.#bufferTimeout = conf.get(CoreOptions.BUFFER_TIMEOUT);
    this.#watermarkInterval = conf.get(CoreOptions.AUTO_WATERMARK_INTERVAL);
    this.#latencyInterval = conf.get(CoreOptions.LATENCY_INTERVAL);
    this.time = new TaskTimeAccounting(env.clock.relativeTime());
    const localDir = spec.checkpointing?.localRecoveryDir;
    this.#localCopies = localDir === undefined ? undefined : new LocalStateCopies(localDir);
  }

  get name(): string {
    return `${this.spec.vertexName} (${this.spec.subtaskIndex + 1}/${this.spec.parallelism})`;
  }

  /** Asks the task to stop at the next batch boundary; wakes it if it waits. */
  cancel(): void {
    this.#cancelled = true;
    this.#wakeOnCancel?.();
  }

  /** JobManager: a source task snapshots and emits barrier `checkpointId` at its next batch boundary. */
  triggerCheckpoint(
    checkpointId: number,
    timestamp: number,
    checkpointType: CheckpointType,
    targetLocation?: string,
    final = false,
  ): void {
    const barrier: CheckpointBarrier = {
      kind: 'barrier',
      checkpointId,
      timestamp,
      checkpointType,
      unaligned: !(this.spec.checkpointing?.aligned ?? true),
      ...(targetLocation === undefined ? {} : { targetLocation }),
    };
    this.#post(async () => {
      if (this.chain === undefined) {
        this.env.events?.declineCheckpoint(checkpointId, new SluiceError('ILLEGAL_STATE', `task ${this.name} is not running yet`));
        return;
      }
      if (this.#atEndOfInput) {
        // At its end of input the task is quiescent and nothing reaches it: it snapshots itself, no barrier.
        // The final checkpoint (every task at its end) is the one whose completion finishes the task.
        if (final) this.#finalCheckpointId = checkpointId;
        await this.#performCheckpoint(this.chain, barrier, false);
      } else await this.#performCheckpoint(this.chain, barrier);
    });
  }

  notifyCheckpointComplete(checkpointId: number): void {
    this.#post(async () => {
      if (this.chain === undefined) return;
      await this.#localCopies?.prune(checkpointId);
      await this.chain.notifyCheckpointComplete(checkpointId);
      if (this.#finalCheckpointId >= 0 && checkpointId >= this.#finalCheckpointId) this.#finalCheckpointComplete = true;
    });
  }

  /** JobManager (stop --drain): a source ends its input at its next batch boundary. */
  drain(): void {
    this.#draining = true;
    this.#mail.notify();
  }

  /** JobManager: every task is at its end and no final checkpoint is taken: finish. */
  finishAtEndOfInput(): void {
    this.#post(async () => {
      this.#finalCheckpointComplete = true;
    });
  }

  notifyCheckpointAborted(checkpointId: number): void {
    this.#post(async () => {
      if (this.#running) await this.chain?.notifyCheckpointAborted(checkpointId);
    });
  }

  #post(action: () => Promise<void>): void {
    this.#mailbox.push(action);
    this.#mail.notify();
  }

  async #processMail(): Promise<void> {
    while (this.#mailbox.length > 0 && !this.#cancelled) await this.#mailbox.shift()!();
  }

  /** Snapshots the chain at a barrier, forwards the barrier, and acknowledges once the snapshot is written. */
  async #performCheckpoint(chain: OperatorChain, barrier: CheckpointBarrier, forwardBarrier = true): Promise<void> {
    const settings = this.spec.checkpointing;
    const events = this.env.events;
    if (settings === undefined || events === undefined) return;
    const id = barrier.checkpointId;
    let write: () => Promise<TaskStateSnapshot>;
    try {
      // A savepoint is self-contained: every file goes into its own directory.
      const savepoint = barrier.targetLocation;
      write = await chain.snapshotState(barrier, forwardBarrier, (operatorId) => ({
        checkpointId: id,
        rootDir: savepoint ?? settings.rootDir,
        exclusiveDir: savepoint === undefined ? `chk-${id}` : '.',
        sharedDir: savepoint === undefined ? 'shared' : '.',
        taskOwnedDir: savepoint === undefined ? 'taskowned' : '.',
        compression: settings.compression,
        inlineLimitBytes: savepoint === undefined ? settings.inlineLimitBytes : settings.savepointInlineLimitBytes,
        filePrefix: `${operatorId}-${this.spec.subtaskIndex}-${this.spec.attemptNumber}`,
        ...(savepoint === undefined && settings.localRecoveryDir !== undefined ? { localCopyDir: settings.localRecoveryDir } : {}),
      }));
    } catch (error) {
      // The capture itself failed (user snapshotState threw): that fails the task, as in Flink.
      events.declineCheckpoint(id, error);
      throw error;
    }
    // The writing runs off the task's loop (unless state.backend.async is false: then records wait for it); a
    // failure declines the checkpoint but the task goes on.
    const written = write().then(
      (state) => {
        if (barrier.targetLocation === undefined) this.#localCopies?.record(id, state);
        events.acknowledgeCheckpoint(id, state);
      },
      (error: unknown) => events.declineCheckpoint(id, error),
    );
    if (!settings.asyncSnapshots) await written;
  }

  async run(): Promise<TaskOutcome> {
    let chain: OperatorChain | undefined;
    let gate: InputGate | undefined;
    let finished = false;
    const systemTimers = this.env.processingTimeService === undefined ? new SystemProcessingTimeService(this.env.clock) : undefined;
    const timers = this.#taskTimers(this.env.processingTimeService ?? systemTimers!, () => chain);
    let backends = new Map<string, CheckpointableKeyedStateBackend>();
    try {
      backends = await createKeyedStateBackends(this.spec, this.env.graph, this.#configuration, this.env.clock);
      chain = new OperatorChain(this.spec, {
        configuration: this.#configuration,
        graph: this.env.graph,
        openOutput: this.env.openOutput,
        clock: this.env.clock,
        logger: this.env.logger,
        operatorMetricGroup: (id, name) => this.env.metrics.getOrAddOperator(id, name),
        processingTimeService: timers,
        createKeyedStateBackend: (operatorId) => backends.get(operatorId)!,
      });
      this.chain = chain;
      if (chain.systemMetrics) {
        const clock = this.env.clock;
        const latency =
          this.#latencyInterval > 0
            ? { granularity: this.#configuration.get(CoreOptions.LATENCY_GRANULARITY), wallClock: () => clock.now() }
            : undefined;
        registerTaskMetrics(
          this,
          chain,
          this.env.metrics,
          (id, name) => this.env.metrics.getOrAddOperator(id, name),
          () => clock.relativeTime(),
          latency,
        );
      }
      gate = new InputGate(
        this.spec.inputs.map((i) => this.env.openInput(i.channel)),
        this.spec.inputs.map((i) => i.inputIndex),
      );
      if (chain.systemMetrics) {
        const inputs = gate.channels;
        this.env.metrics.gauge('buffers.inputQueueLength', {
          getValue: () => inputs.reduce((n, c) => n + c.queued, 0),
        });
      }
      this.#running = true;
      const restore = this.spec.restore;
      const localDir = this.spec.checkpointing?.localRecoveryDir;
      const restored =
        restore === undefined
          ? undefined
          : await chain.restoreState(restore, (h) =>
              readStreamStateHandleLocalFirst(restore.rootDir, h, localDir, (source, handle) => {
                this.restoredFrom[source]++;
                if (handle.kind === 'file') {
                  this.env.logger.info(`restoring ${handle.path} from the ${source === 'local' ? 'local copy' : 'checkpoint storage'}`, {
                    checkpointId: restore.checkpointId,
                  });
                }
              }),
            );
      await chain.open(restored);
      this.env.events?.running();
      this.#lastFlush = this.env.clock.relativeTime();
      if (chain.head instanceof SourceOperator) await this.#runSource(chain, chain.head);
      else await this.#runInputs(chain, gate);
      this.#throwAsyncFailure();
      if (this.#cancelled) return 'CANCELED';
      await chain.finish();
      // End of input: processing-time timers still pending do not fire (as in Flink's bounded execution).
      this.#running = false;
      await this.#race(chain.drained());
      this.#throwAsyncFailure();
      if (this.spec.checkpointing?.awaitEndOfInput === true && this.env.events !== undefined && !this.#cancelled) {
        // Exactly-once at the end of a bounded job: take part in the final checkpoint and finish once it is
        // complete (its notification makes two-phase-commit sinks publish their last output).
        this.#atEndOfInput = true;
        this.env.events.endOfInput();
        while (!this.#finalCheckpointComplete && !this.#cancelled) {
          if (this.#mailbox.length === 0) await this.#race(this.#mail.wait());
          await this.#processMail();
          this.#throwAsyncFailure();
        }
        if (this.#cancelled) return 'CANCELED';
      }
      finished = !this.#cancelled;
      return finished ? 'FINISHED' : 'CANCELED';
    } finally {
      this.#running = false;
      systemTimers?.shutdown();
      try {
        await chain?.close(finished);
      } finally {
        for (const backend of backends.values()) await backend.close().catch(() => {});
        gate?.close();
        this.env.releaseChannels(this.spec);
      }
    }
  }

  async #runSource(chain: OperatorChain, source: SourceOperator<unknown>): Promise<void> {
    const clock = this.env.clock;
    const interval = source.hasWatermarkGenerator ? this.#watermarkInterval : 0;
    let nextWatermark = clock.relativeTime() + interval;
    const latencyInterval = this.#latencyInterval;
    let nextLatencyMarker = clock.relativeTime() + latencyInterval;
    while (!this.#cancelled) {
      if (this.#mailbox.length > 0) await this.#processMail();
      let status;
      try {
        status = this.#draining ? 'END_OF_INPUT' : source.emitNext();
      } catch (error) {
        annotateOperator(error, chain.headName);
        throw error;
      }
      if (status === 'END_OF_INPUT') {
        // Checkpoints triggered up to here are still taken (the state at the end of input is consistent).
        await this.#processMail();
        return;
      }
      const now = clock.relativeTime();
      if (interval > 0 && now >= nextWatermark) {
        source.emitPeriodicWatermark();
        nextWatermark = now + interval;
      }
      if (latencyInterval > 0 && now >= nextLatencyMarker) {
        source.emitLatencyMarker(clock.now());
        nextLatencyMarker = now + latencyInterval;
      }
      this.#flushIfDue(chain, now);
      if (status === 'NOTHING_AVAILABLE') {
        this.#flushBeforeWait(chain);
        let wake = interval > 0 ? nextWatermark - now : Number.POSITIVE_INFINITY;
        if (latencyInterval > 0) wake = Math.min(wake, nextLatencyMarker - now);
        await this.#race(source.isAvailable(), Number.isFinite(wake) ? Math.max(0, wake) : undefined, 'idle');
      } else if (!chain.outputsAvailable()) {
        this.#flushBeforeWait(chain);
        await this.#race(chain.outputsAvailability(), undefined, 'backpressure');
      }
      if (eventLoopTurnDue()) await yieldThread();
    }
  }

  async #runInputs(chain: OperatorChain, gate: InputGate): Promise<void> {
    const head = chain.head;
    const headIO = chain.members[0]!.io;
    const counting = chain.systemMetrics;
    const clock = this.env.clock;
    const backend = chain.headKeyedStateBackend;
    const selectors = chain.headKeySelectors;
    const twoInputs = head instanceof TwoInputStreamOperator;
    // Per logical input (0: the only one, or 1 and 2): a valve over that input's channels.
    const inputOfChannel = gate.inputIndexes.map((i) => (twoInputs ? i : 0));
    const valves = new Map<number, { valve: StatusWatermarkValve; local: number[] }>();
    const localIndex: number[] = [];
    for (const [c, input] of inputOfChannel.entries()) {
      let entry = valves.get(input);
      if (entry === undefined) valves.set(input, (entry = { valve: undefined!, local: [] }));
      localIndex[c] = entry.local.length;
      entry.local.push(c);
    }
    for (const [input, entry] of valves) {
      entry.valve = new StatusWatermarkValve(entry.local.length, watermarkTarget(head, input, headIO));
    }
    const valveOf = (c: number): StatusWatermarkValve => valves.get(inputOfChannel[c]!)!.valve;

    const barriers = new CheckpointBarrierHandler(
      gate.channels.length,
      this.spec.checkpointing?.aligned ?? true,
      {
        block: (c) => gate.block(c),
        unblockAll: () => gate.unblockAll(),
        triggerCheckpoint: (barrier, alignmentMs) => {
          this.lastAlignmentMs = alignmentMs;
          pendingCheckpoint = barrier;
        },
        abortCheckpoint: (id) =>
          this.env.events?.declineCheckpoint(id, new SluiceError('ILLEGAL_STATE', `checkpoint ${id} was overtaken by a newer one on task ${this.name}`)),
      },
      () => clock.relativeTime(),
    );
    let pendingCheckpoint: CheckpointBarrier | undefined;

    while (!this.#cancelled) {
      if (this.#mailbox.length > 0) await this.#processMail();
      const item = gate.poll();
      if (item === undefined) {
        if (gate.isFinished) return;
        this.#flushBeforeWait(chain);
        await this.#race(gate.available(), undefined, 'idle');
        continue;
      }
      try {
        switch (item.kind) {
          case 'records': {
            const values = item.values;
            const timestamps = item.timestamps;
            const n = values.length;
            if (counting) headIO.recordsIn += n;
            if (twoInputs) {
              this.#processTwoInputBatch(head, inputOfChannel[gate.lastChannel]!, values, timestamps, backend, selectors);
            } else {
              const one = head as OneInputStreamOperator<unknown, unknown>;
              if (backend !== undefined) {
                const keyOf = selectors[0]!;
                for (let i = 0; i < n; i++) {
                  const value = values[i];
                  backend.setCurrentKey(keyOf(value) as Key);
                  one.processElement(value, timestamps === null ? NO_TIMESTAMP : timestamps[i]!);
                }
              } else if (timestamps === null) for (let i = 0; i < n; i++) one.processElement(values[i], NO_TIMESTAMP);
              else for (let i = 0; i < n; i++) one.processElement(values[i], timestamps[i]!);
            }
            break;
          }
          case 'watermark':
            valveOf(gate.lastChannel).inputWatermark(item.timestamp, localIndex[gate.lastChannel]!);
            break;
          case 'status':
            valveOf(gate.lastChannel).inputWatermarkStatus(item.idle, localIndex[gate.lastChannel]!);
            break;
          case 'latency':
            headIO.onLatencyMarker?.(item);
            head.processLatencyMarker(item);
            break;
          case 'end': {
            const c = gate.lastChannel;
            gate.markEnded(c);
            gate.channels[c]!.close();
            // A finished channel holds back no watermark.
            valveOf(c).endOfChannel(localIndex[c]!);
            barriers.endOfChannel(c);
            break;
          }
          case 'barrier':
            barriers.processBarrier(item, gate.lastChannel);
            break;
        }
      } catch (error) {
        annotateOperator(error, chain.headName);
        throw error;
      }
      if (pendingCheckpoint !== undefined) {
        const barrier = pendingCheckpoint;
        pendingCheckpoint = undefined;
        await this.#performCheckpoint(chain, barrier);
      }
      const now = clock.relativeTime();
      this.#flushIfDue(chain, now);
      if (!chain.outputsAvailable()) {
        this.#flushBeforeWait(chain);
        await this.#race(chain.outputsAvailability(), undefined, 'backpressure');
      }
      if (eventLoopTurnDue()) await yieldThread();
    }
  }

  #processTwoInputBatch(
    head: TwoInputStreamOperator<unknown, unknown, unknown>,
    input: number,
    values: unknown[],
    timestamps: number[] | null,
    backend: KeyedStateBackend | undefined,
    selectors: readonly (((value: unknown) => unknown) | undefined)[],
  ): void {
    const n = values.length;
    const keyOf = backend === undefined ? undefined : selectors[input - 1];
    for (let i = 0; i < n; i++) {
      const value = values[i];
      if (keyOf !== undefined) backend!.setCurrentKey(keyOf(value) as Key);
      const ts = timestamps === null ? NO_TIMESTAMP : timestamps[i]!;
      if (input === 1) head.processElement1(value, ts);
      else head.processElement2(value, ts);
    }
  }

  /**
   * The processing-time service operators get: callbacks run between batches like a mailbox action; their
   * output is flushed at once; an error fails the task; after the chain finished or failed they are dropped.
   */
  #taskTimers(inner: ProcessingTimeService, chainOf: () => OperatorChain | undefined): ProcessingTimeService {
    return {
      getCurrentProcessingTime: () => inner.getCurrentProcessingTime(),
      registerTimer: (timestamp, callback): Cancellable =>
        inner.registerTimer(timestamp, (time) => {
          if (!this.#running || this.#cancelled) return;
          const chain = chainOf();
          try {
            callback(time);
            if (chain !== undefined) this.#flushBeforeWait(chain);
          } catch (error) {
            if (chain !== undefined) annotateOperator(error, chain.headName);
            this.#asyncFailure ??= { error };
            this.#running = false;
            this.cancel();
          }
        }),
    };
  }

  #throwAsyncFailure(): void {
    if (this.#asyncFailure !== undefined) throw this.#asyncFailure.error;
  }

  /** A busy task sends partly filled buffers at least every buffer timeout (0: after every batch). */
  #flushIfDue(chain: OperatorChain, now: number): void {
    if (this.#bufferTimeout >= 0 && now - this.#lastFlush >= this.#bufferTimeout) {
      chain.flushOutputs();
      this.#lastFlush = now;
    }
  }

  /** A task about to wait sends what it has, unless the buffer timeout is -1 (only full buffers). */
  #flushBeforeWait(chain: OperatorChain): void {
    if (this.#bufferTimeout >= 0 && chain.hasPendingOutput) {
      chain.flushOutputs();
      this.#lastFlush = this.env.clock.relativeTime();
    }
  }

  /**
   * Waits for `promise`, cancellation, or `timeoutMs`, whichever comes first; the wait counts as idle or
   * back-pressured time.
   */
  async #race(promise: Promise<void>, timeoutMs?: number, kind?: 'idle' | 'backpressure'): Promise<void> {
    if (this.#cancelled) return;
    const clock = this.env.clock;
    const start = clock.relativeTime();
    if (kind === 'backpressure') this.time.backPressured = true;
    let timer: NodeJS.Timeout | undefined;
    try {
      // A task waiting for input or credit also wakes for mail (a checkpoint trigger must not wait for data).
      const waits = kind === undefined ? [promise, this.#cancelledPromise] : [promise, this.#cancelledPromise, this.#mail.wait()];
      if (timeoutMs === undefined) {
        await Promise.race(waits);
      } else {
        const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
        await Promise.race([...waits, timeout]);
      }
      // Waits between tasks of one thread resolve through promises alone; the event loop's turn taken here counts
      // as part of the wait (another task ran meanwhile), not as this task's busy time.
      if (kind !== undefined && eventLoopTurnDue()) await yieldThread();
    } finally {
      clearTimeout(timer);
      const waited = clock.relativeTime() - start;
      if (kind === 'idle') this.time.idleMs += waited;
      else if (kind === 'backpressure') {
        this.time.backPressuredMs += waited;
        this.time.backPressured = false;
      }
    }
  }
}
