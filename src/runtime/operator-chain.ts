// Builds and drives the operators of one subtask's chain: creation, wiring, open, finish, close.

import { CollectSinkMarker } from '../api/data-stream.ts';
import { SourceOperator } from '../api/operators/source-operator.ts';
import {
  OneInputStreamOperator,
  type AbstractStreamOperator,
  type Output,
} from '../api/operators/stream-operator.ts';
import type { NodePayload } from '../api/transformation.ts';
import type { Configuration } from '../config/configuration.ts';
import { CoreOptions, TaskManagerOptions } from '../config/options.ts';
import type { Clock } from '../core/clock.ts';
import { SluiceError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { MetricGroup } from '../metrics/metric-group.ts';
import { END_OF_PARTITION } from '../core/stream-element.ts';
import type { StreamGraph } from '../graph/stream-graph.ts';
import {
  BroadcastingOutput,
  ChainingOutput,
  CountingChainingOutput,
  CountingOutput,
  CountingRecordWriterOutput,
  NO_OUTPUT,
  RecordWriterOutput,
} from './chain-outputs.ts';
import { OperatorIOMetrics } from './metrics/io-metrics.ts';
import { annotateOperator } from './failure-annotation.ts';
import type { OutputChannel } from './network/channel.ts';
import { createChannelSelector } from './network/channel-selector.ts';
import { RecordWriter } from './network/record-writer.ts';
import type { ChannelEndpoint, TaskSpec } from './protocol.ts';
import { StreamingRuntimeContext } from './streaming-runtime-context.ts';

export interface ChainDependencies {
  /** The job's configuration (the task's parsed copy of `spec.configuration`). */
  readonly configuration: Configuration;
  /** The job's stream graph with live operators: the client's (local runtime) or a worker's replay. */
  readonly graph: StreamGraph;
  readonly openOutput: (endpoint: ChannelEndpoint) => OutputChannel;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The metric group of each operator (Flink's operator scope). */
  readonly operatorMetricGroup: (operatorId: string, operatorName: string) => MetricGroup;
}

interface ChainMember {
  readonly name: string;
  readonly operator: AbstractStreamOperator<unknown>;
  readonly io: OperatorIOMetrics;
}

/** Passes records through to the client channel of executeAndCollect. */
class CollectForwarder extends OneInputStreamOperator<unknown, unknown> {
  processElement(value: unknown, timestamp: number): void {
    this.output.collect(value, timestamp);
  }
}

export class OperatorChain {
  readonly members: ChainMember[] = [];
  readonly writers: RecordWriter<unknown>[] = [];
  readonly head: AbstractStreamOperator<unknown>;
  readonly headName: string;
  /** Whether operators count records and watermarks (`metrics.system.enabled`). */
  readonly systemMetrics: boolean;

  constructor(spec: TaskSpec, deps: ChainDependencies) {
    const configuration = deps.configuration;
    const recordsPerBuffer = configuration.get(TaskManagerOptions.RECORDS_PER_BUFFER);
    this.systemMetrics = configuration.get(CoreOptions.SYSTEM_METRICS);
    const byId = new Map<string, ChainMember>();

    for (const op of spec.operators) {
      const node = deps.graph.findByOperatorId(op.operatorId);
      if (node === undefined) {
        throw new SluiceError(
          'JOB_REPLAY_MISMATCH',
          `operator '${op.name}' (${op.operatorId}) is not in the job graph this thread rebuilt from the job ` +
            `module. Building the job must be deterministic: do not branch on time, randomness or the environment.`,
        );
      }
      let operator = (node.payload as NodePayload).createOperator();
      if (op.isCollect || operator instanceof CollectSinkMarker) operator = new CollectForwarder();
      const member = { name: op.name, operator, io: new OperatorIOMetrics(op.operatorId, op.name) };
      byId.set(op.operatorId, member);
      this.members.push(member);
    }

    for (const op of spec.operators) {
      const outputs: Output<unknown>[] = [];
      let singleWriter: RecordWriter<unknown> | undefined;
      for (const targetId of op.chainedOutputs) {
        const target = byId.get(targetId)!;
        const next = target.operator as OneInputStreamOperator<unknown, unknown>;
        outputs.push(
          this.systemMetrics ? new CountingChainingOutput(next, target.name, target.io) : new ChainingOutput(next, target.name),
        );
      }
      for (const edgeId of op.networkOutputs) {
        const edgeSpec = spec.outputs.find((o) => o.edgeId === edgeId);
        const edge = deps.graph.findEdge(edgeId);
        if (edgeSpec === undefined || edge === undefined) {
          throw new SluiceError('JOB_REPLAY_MISMATCH', `edge ${edgeId} of '${op.name}' is not in the rebuilt job graph`);
        }
        const selector = createChannelSelector(
          edgeSpec.shipStrategy,
          edgeSpec.channels.length,
          edge.partitioner,
          edgeSpec.consumerMaxParallelism,
        );
        const writer = new RecordWriter(edgeSpec.channels.map(deps.openOutput), selector, recordsPerBuffer);
        this.writers.push(writer);
        singleWriter = writer;
        outputs.push(new RecordWriterOutput(writer));
      }
      if (spec.collect !== undefined && spec.collect.operatorId === op.operatorId) {
        const selector = createChannelSelector('FORWARD', 1, undefined, 1);
        const writer = new RecordWriter([deps.openOutput(spec.collect.channel)], selector, recordsPerBuffer);
        this.writers.push(writer);
        singleWriter = writer;
        outputs.push(new RecordWriterOutput(writer));
      }
      const member = byId.get(op.operatorId)!;
      const logger = deps.logger.child({ operator: op.name });
      const runtimeContext = new StreamingRuntimeContext(spec, logger, deps.operatorMetricGroup(op.operatorId, op.name));
      let output = outputs.length === 0 ? NO_OUTPUT : outputs.length === 1 ? outputs[0]! : new BroadcastingOutput(outputs);
      if (this.systemMetrics && outputs.length === 1) {
        // One output: count it where it is cheapest (see OperatorIOMetrics).
        if (op.chainedOutputs.length === 1) member.io.outputIsInputOf = byId.get(op.chainedOutputs[0]!)!.io;
        else output = new CountingRecordWriterOutput(singleWriter!, member.io);
      } else if (this.systemMetrics && outputs.length > 1) {
        output = new CountingOutput(output, member.io);
      }
      member.operator.setup(
        {
          operatorId: op.operatorId,
          operatorName: op.name,
          runtimeContext,
          jobConfig: configuration,
          clock: deps.clock,
          logger,
        },
        output,
      );
    }

    this.head = this.members[0]!.operator;
    this.headName = this.members[0]!.name;
    if (this.head instanceof SourceOperator) this.head.assignSplits(spec.splits);
  }

  /** Opens operators from the tail to the head, so every operator's successors are ready for its output. */
  async open(): Promise<void> {
    for (let i = this.members.length - 1; i >= 0; i--) {
      const member = this.members[i]!;
      await this.#guard(member, () => member.operator.open());
    }
  }

  /** End of input: each operator emits what it holds, head first, then every edge gets end-of-partition. */
  async finish(): Promise<void> {
    for (const member of this.members) {
      // An operator's finish may wait (a sink flushing); what the chain emitted so far must not wait with it.
      this.flushOutputs();
      await this.#guard(member, () => member.operator.finish());
    }
    for (const writer of this.writers) writer.broadcastEvent(END_OF_PARTITION);
  }

  /**
   * Closes every operator, even after a failure; rethrows the first error. After a normal finish the output
   * channels stay open: the consumer closes each one when it has read the end-of-partition.
   */
  async close(finishedNormally: boolean): Promise<void> {
    let first: unknown;
    for (const member of this.members) {
      try {
        await member.operator.close();
      } catch (error) {
        annotateOperator(error, member.name);
        first ??= error;
      }
    }
    if (!finishedNormally) for (const writer of this.writers) writer.close();
    if (first !== undefined) throw first;
  }

  get isSourceChain(): boolean {
    return this.head instanceof SourceOperator;
  }

  /** Records the chain wrote into network edges (not counting ones still in partly filled buffers). */
  get networkRecordsOut(): number {
    let n = 0;
    for (const writer of this.writers) n += writer.recordsOut;
    return n;
  }

  get networkBytesOut(): number {
    let n = 0;
    for (const writer of this.writers) for (const channel of writer.channels) n += channel.bytesOut;
    return n;
  }

  get queuedOutputBuffers(): number {
    let n = 0;
    for (const writer of this.writers) for (const channel of writer.channels) n += channel.queuedBuffers;
    return n;
  }

  flushOutputs(): void {
    for (const writer of this.writers) writer.flushAll();
  }

  get hasPendingOutput(): boolean {
    for (const writer of this.writers) if (writer.hasPendingRecords) return true;
    return false;
  }

  outputsAvailable(): boolean {
    for (const writer of this.writers) if (!writer.isAvailable()) return false;
    return true;
  }

  async outputsAvailability(): Promise<void> {
    for (const writer of this.writers) await writer.availability();
  }

  async drained(): Promise<void> {
    for (const writer of this.writers) await writer.drained();
  }

  async #guard(member: ChainMember, fn: () => void | Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      annotateOperator(error, member.name);
      throw error;
    }
  }
}
