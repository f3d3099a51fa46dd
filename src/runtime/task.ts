// One subtask: pulls batches from its input gate (or its source reader), pushes every element through the
// operator chain by direct calls, and awaits only between batches (no input, no credit, yielding the thread).

import { SourceOperator } from '../api/operators/source-operator.ts';
import type { OneInputStreamOperator } from '../api/operators/stream-operator.ts';
import { Configuration } from '../config/configuration.ts';
import { CoreOptions } from '../config/options.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import { MIN_WATERMARK, NO_TIMESTAMP } from '../core/stream-element.ts';
import type { StreamGraph } from '../graph/stream-graph.ts';
import { annotateOperator } from './failure-annotation.ts';
import type { InputChannel, OutputChannel } from './network/channel.ts';
import { InputGate } from './network/input-gate.ts';
import { OperatorChain } from './operator-chain.ts';
import type { ChannelEndpoint, TaskSpec } from './protocol.ts';
import { TaskTimeAccounting } from './metrics/io-metrics.ts';
import { registerTaskMetrics } from './metrics/task-metrics.ts';
import type { TaskMetricGroup } from '../metrics/task-metric-group.ts';

/** How long a task may keep its thread before it lets timers, messages and other tasks run. */
const MAX_SLICE_MS = 5;

export interface TaskEnvironment {
  readonly graph: StreamGraph;
  readonly openOutput: (endpoint: ChannelEndpoint) => OutputChannel;
  readonly openInput: (endpoint: ChannelEndpoint) => InputChannel;
  readonly releaseChannels: (spec: TaskSpec) => void;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The task's metric group; operators' groups are made under it. */
  readonly metrics: TaskMetricGroup;
}

export type TaskOutcome = 'FINISHED' | 'CANCELED';

const yieldThread = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class Task {
  #cancelled = false;
  #wakeOnCancel: (() => void) | undefined;
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
  }

  get name(): string {
    return `${this.spec.vertexName} (${this.spec.subtaskIndex + 1}/${this.spec.parallelism})`;
  }

  /** Asks the task to stop at the next batch boundary; wakes it if it waits. */
  cancel(): void {
    this.#cancelled = true;
    this.#wakeOnCancel?.();
  }

  async run(): Promise<TaskOutcome> {
    let chain: OperatorChain | undefined;
    let gate: InputGate | undefined;
    let finished = false;
    try {
      chain = new OperatorChain(this.spec, {
        configuration: this.#configuration,
        graph: this.env.graph,
        openOutput: this.env.openOutput,
        clock: this.env.clock,
        logger: this.env.logger,
        operatorMetricGroup: (id, name) => this.env.metrics.getOrAddOperator(id, name),
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
      await chain.open();
      this.#lastFlush = this.env.clock.relativeTime();
      if (chain.head instanceof SourceOperator) await this.#runSource(chain, chain.head);
      else await this.#runInputs(chain, gate);
      if (this.#cancelled) return 'CANCELED';
      await chain.finish();
      await this.#race(chain.drained());
      finished = !this.#cancelled;
      return finished ? 'FINISHED' : 'CANCELED';
    } finally {
      try {
        await chain?.close(finished);
      } finally {
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
    let sliceStart = clock.relativeTime();
    while (!this.#cancelled) {
      let status;
      try {
        status = source.emitNext();
      } catch (error) {
        annotateOperator(error, chain.headName);
        throw error;
      }
      if (status === 'END_OF_INPUT') return;
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
        sliceStart = clock.relativeTime();
      } else if (!chain.outputsAvailable()) {
        this.#flushBeforeWait(chain);
        await this.#race(chain.outputsAvailability(), undefined, 'backpressure');
        sliceStart = clock.relativeTime();
      } else if (now - sliceStart >= MAX_SLICE_MS) {
        await yieldThread();
        sliceStart = clock.relativeTime();
      }
    }
  }

  async #runInputs(chain: OperatorChain, gate: InputGate): Promise<void> {
    const head = chain.head as OneInputStreamOperator<unknown, unknown>;
    const headIO = chain.members[0]!.io;
    const counting = chain.systemMetrics;
    const clock = this.env.clock;
    const channelWatermarks = gate.channels.map(() => MIN_WATERMARK);
    let currentWatermark = MIN_WATERMARK;
    let sliceStart = clock.relativeTime();

    while (!this.#cancelled) {
      const item = gate.poll();
      if (item === undefined) {
        if (gate.isFinished) return;
        this.#flushBeforeWait(chain);
        await this.#race(gate.available(), undefined, 'idle');
        sliceStart = clock.relativeTime();
        continue;
      }
      try {
        switch (item.kind) {
          case 'records': {
            const values = item.values;
            const timestamps = item.timestamps;
            const n = values.length;
            if (counting) headIO.recordsIn += n;
            if (timestamps === null) for (let i = 0; i < n; i++) head.processElement(values[i], NO_TIMESTAMP);
            else for (let i = 0; i < n; i++) head.processElement(values[i], timestamps[i]!);
            break;
          }
          case 'watermark': {
            // A task's watermark is the minimum over its input channels.
            const c = gate.lastChannel;
            if (item.timestamp > channelWatermarks[c]!) {
              channelWatermarks[c] = item.timestamp;
              const min = minimum(channelWatermarks);
              if (min > currentWatermark) {
                currentWatermark = min;
                headIO.inputWatermark = min;
                head.processWatermark(min);
              }
            }
            break;
          }
          case 'latency':
            headIO.onLatencyMarker?.(item);
            head.processLatencyMarker(item);
            break;
          case 'end': {
            const c = gate.lastChannel;
            gate.markEnded(c);
            gate.channels[c]!.close();
            // A finished channel holds back no watermark.
            channelWatermarks[c] = Number.POSITIVE_INFINITY;
            break;
          }
          case 'barrier':
            // Checkpoint barriers are handled once checkpointing lands; until then they pass unaligned.
            break;
        }
      } catch (error) {
        annotateOperator(error, chain.headName);
        throw error;
      }
      const now = clock.relativeTime();
      this.#flushIfDue(chain, now);
      if (!chain.outputsAvailable()) {
        this.#flushBeforeWait(chain);
        await this.#race(chain.outputsAvailability(), undefined, 'backpressure');
        sliceStart = clock.relativeTime();
      } else if (now - sliceStart >= MAX_SLICE_MS) {
        await yieldThread();
        sliceStart = clock.relativeTime();
      }
    }
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
      if (timeoutMs === undefined) {
        await Promise.race([promise, this.#cancelledPromise]);
      } else {
        const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
        await Promise.race([promise, this.#cancelledPromise, timeout]);
      }
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

function minimum(values: number[]): number {
  let min = Number.POSITIVE_INFINITY;
  for (const v of values) if (v < min) min = v;
  return min;
}
