// Builds and drives the operators of one subtask's chain: creation, wiring, open, finish, close.

import { CollectSinkMarker } from '../api/data-stream.ts';
import { withSubtaskIndex } from '../api/functions.ts';
import { SourceOperator } from '../api/operators/source-operator.ts';
import {
  OneInputStreamOperator,
  type AbstractStreamOperator,
  type OperatorRestoreState,
  type OperatorSubtaskStateHandles,
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
import type { StreamEdge, StreamGraph } from '../graph/stream-graph.ts';
import { HeapOperatorStateBackend } from '../state/heap-operator-state-backend.ts';
import type { KeyedStateBackend } from '../state/keyed-state-backend.ts';
import type { ProcessingTimeService } from '../state/processing-time-service.ts';
import {
  BroadcastingOutput,
  ChainingOutput,
  KeyedChainingOutput,
  SideOutputRouter,
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
import type { ChannelEndpoint, TaskRestoreSpec, TaskSpec } from './protocol.ts';
import type { TaskStateSnapshot } from '../checkpoint/checkpoint-coordinator.ts';
import type { CheckpointBarrier } from '../core/stream-element.ts';
import { redistributeOperatorState } from '../state/heap-operator-state-backend.ts';
import type { OperatorStateSnapshot } from '../state/operator-state.ts';
import type { CheckpointableKeyedStateBackend, SnapshotStorageLocation, StreamStateHandle } from '../state/state-handle.ts';
import { decodeSnapshot } from '../state/stream-state-io.ts';
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
  /** The task's processing-time service (callbacks run between batches). */
  readonly processingTimeService: ProcessingTimeService;
  /** A fresh keyed state backend for a keyed operator of this subtask. */
  readonly createKeyedStateBackend: (operatorId: string, operatorName: string) => KeyedStateBackend;
}

interface ChainMember {
  readonly name: string;
  readonly operator: AbstractStreamOperator<unknown>;
  readonly io: OperatorIOMetrics;
  keyedStateBackend?: KeyedStateBackend;
  stateKeySelectors?: readonly (((value: unknown) => unknown) | undefined)[];
}

/** Passes records through to the client channel of executeAndCollect. */
class CollectForwarder extends OneInputStreamOperator<unknown, unknown> {
  processElement(value: unknown, timestamp: number): void {
    this.output.collect(value, timestamp);
  }
}

export class OperatorChain {
  readonly members: ChainMember[] = [];
  /** Operator ids, in `members` order. */
  readonly operatorIds: string[];
  readonly parallelism: number;
  readonly subtaskIndex: number;
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
    this.operatorIds = spec.operators.map((op) => op.operatorId);
    this.parallelism = spec.parallelism;
    this.subtaskIndex = spec.subtaskIndex;

    for (const op of spec.operators) {
      const node = deps.graph.findByOperatorId(op.operatorId);
      if (node === undefined) {
        throw new SluiceError(
          'JOB_REPLAY_MISMATCH',
          `operator '${op.name}' (${op.operatorId}) is not in the job graph this thread rebuilt from the job ` +
            `module. Building the job must be deterministic: do not branch on time, randomness or the environment.`,
        );
      }
      let operator = withSubtaskIndex(spec.subtaskIndex, () => (node.payload as NodePayload).createOperator());
      if (op.isCollect || operator instanceof CollectSinkMarker) operator = new CollectForwarder();
      const member = { name: op.name, operator, io: new OperatorIOMetrics(op.operatorId, op.name) };
      byId.set(op.operatorId, member);
      this.members.push(member);
    }

    // Keyed state first: a chained keyed operator's input output sets its key.
    for (const op of spec.operators) {
      const member = byId.get(op.operatorId)!;
      const payload = deps.graph.findByOperatorId(op.operatorId)!.payload as NodePayload;
      const selectors = [payload.stateKeySelector, payload.stateKeySelector2];
      if (selectors.some((k) => k !== undefined)) {
        member.stateKeySelectors = selectors;
        member.keyedStateBackend = deps.createKeyedStateBackend(op.operatorId, op.name);
      }
    }

    for (const op of spec.operators) {
      const node = deps.graph.findByOperatorId(op.operatorId)!;
      const main: Output<unknown>[] = [];
      const sides = new Map<string, Output<unknown>[]>();
      const route = (edge: StreamEdge | undefined, output: Output<unknown>): void => {
        const tag = edge?.outputTag;
        if (tag === undefined) main.push(output);
        else sides.set(tag, [...(sides.get(tag) ?? []), output]);
      };
      let singleWriter: RecordWriter<unknown> | undefined;
      for (const targetId of op.chainedOutputs) {
        const target = byId.get(targetId)!;
        const targetNode = deps.graph.findByOperatorId(targetId)!;
        const edge = node.outEdges.find((e) => e.targetId === targetNode.id);
        const next = target.operator as OneInputStreamOperator<unknown, unknown>;
        const counted = this.systemMetrics ? target.io : undefined;
        let output: Output<unknown>;
        if (target.keyedStateBackend !== undefined) {
          output = new KeyedChainingOutput(next, target.name, target.keyedStateBackend, target.stateKeySelectors![0]!, counted);
        } else {
          output = counted ? new CountingChainingOutput(next, target.name, counted) : new ChainingOutput(next, target.name);
        }
        route(edge, output);
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
        route(edge, new RecordWriterOutput(writer));
      }
      if (spec.collect !== undefined && spec.collect.operatorId === op.operatorId) {
        const selector = createChannelSelector('FORWARD', 1, undefined, 1);
        const writer = new RecordWriter([deps.openOutput(spec.collect.channel)], selector, recordsPerBuffer);
        this.writers.push(writer);
        singleWriter = writer;
        main.push(new RecordWriterOutput(writer));
      }
      const member = byId.get(op.operatorId)!;
      const logger = deps.logger.child({ operator: op.name });
      const runtimeContext = new StreamingRuntimeContext(
        spec,
        logger,
        deps.operatorMetricGroup(op.operatorId, op.name),
        op.name,
        member.keyedStateBackend,
      );
      const combine = (outputs: Output<unknown>[]): Output<unknown> =>
        outputs.length === 0 ? NO_OUTPUT : outputs.length === 1 ? outputs[0]! : new BroadcastingOutput(outputs);
      let output: Output<unknown>;
      if (sides.size > 0) {
        const mainOutput = combine(main);
        const sideOutputs = new Map([...sides].map(([tag, outputs]) => [tag, combine(outputs)] as const));
        const all = [...main, ...[...sides.values()].flat()];
        output = new SideOutputRouter(this.systemMetrics ? new CountingOutput(mainOutput, member.io) : mainOutput, sideOutputs, all);
      } else {
        output = combine(main);
        if (this.systemMetrics && main.length === 1) {
          // One output: count it where it is cheapest (see OperatorIOMetrics).
          if (op.chainedOutputs.length === 1) member.io.outputIsInputOf = byId.get(op.chainedOutputs[0]!)!.io;
          else output = new CountingRecordWriterOutput(singleWriter!, member.io);
        } else if (this.systemMetrics && main.length > 1) {
          output = new CountingOutput(output, member.io);
        }
      }
      member.operator.setup(
        {
          operatorId: op.operatorId,
          operatorName: op.name,
          runtimeContext,
          jobConfig: configuration,
          clock: deps.clock,
          logger,
          processingTimeService: deps.processingTimeService,
          keyedStateBackend: member.keyedStateBackend,
          stateKeySelectors: member.stateKeySelectors ?? [],
          operatorStateBackend: new HeapOperatorStateBackend(),
        },
        output,
      );
    }

    this.head = this.members[0]!.operator;
    this.headName = this.members[0]!.name;
    if (this.head instanceof SourceOperator) this.head.assignSplits(spec.splits);
  }

  /**
   * Initializes every operator's state (restoring what `restored` holds for it by operator id), then opens
   * operators from the tail to the head, so every operator's successors are ready for its output.
   */
  async open(restored?: ReadonlyMap<string, OperatorRestoreState>): Promise<void> {
    for (const [i, member] of this.members.entries()) {
      const id = this.operatorIds[i]!;
      await this.#guard(member, () => member.operator.initializeState(restored?.get(id)));
    }
    for (let i = this.members.length - 1; i >= 0; i--) {
      const member = this.members[i]!;
      await this.#guard(member, () => member.operator.open());
    }
  }

  /**
   * Reads what the task restores from (keyed handles into each keyed backend, operator state redistributed to
   * this subtask) and returns it per operator for `open`. Operators the checkpoint has no state for start empty
   * but still count as restored.
   */
  async restoreState(
    restore: TaskRestoreSpec,
    readFile: (handle: StreamStateHandle) => Promise<Uint8Array>,
  ): Promise<Map<string, OperatorRestoreState>> {
    const out = new Map<string, OperatorRestoreState>();
    for (const [i, member] of this.members.entries()) {
      const id = this.operatorIds[i]!;
      const spec = restore.operators[id];
      let operator: OperatorStateSnapshot | undefined;
      if (spec !== undefined) {
        if (spec.keyed.length > 0) {
          const backend = member.keyedStateBackend as CheckpointableKeyedStateBackend | undefined;
          if (backend === undefined) {
            throw new SluiceError(
              'STATE_INCOMPATIBLE',
              `operator '${member.name}' has keyed state in checkpoint ${restore.checkpointId} but is not on a keyed stream now`,
            );
          }
          await this.#guard(member, () => backend.restoreFromHandles(spec.keyed, readFile));
        }
        if (spec.operatorState.some((h) => h !== undefined)) {
          const old: (OperatorStateSnapshot | undefined)[] = [];
          for (const h of spec.operatorState) old.push(h === undefined ? undefined : decodeSnapshot<OperatorStateSnapshot>(await readFile(h), false));
          operator = redistributeOperatorState(old, this.parallelism)[this.subtaskIndex];
        }
      }
      out.set(id, { keyed: [], operator });
    }
    return out;
  }

  /**
   * Checkpoint `checkpointId` at this point of the stream: every operator captures its state (head first; user
   * `snapshotState` may be async), then the barrier goes to every output edge. Returns the writer that stores
   * the captures and yields the task's acknowledgement.
   */
  async snapshotState(
    barrier: CheckpointBarrier,
    forwardBarrier: boolean,
    locationOf: (operatorId: string) => SnapshotStorageLocation,
  ): Promise<() => Promise<TaskStateSnapshot>> {
    const writers: [string, () => Promise<OperatorSubtaskStateHandles>][] = [];
    for (const [i, member] of this.members.entries()) {
      const id = this.operatorIds[i]!;
      const writer = await this.#guardValue(member, () => member.operator.snapshotToStorage(barrier.checkpointId, barrier.timestamp, locationOf(id)));
      writers.push([id, writer]);
    }
    if (forwardBarrier) {
      this.flushOutputs();
      for (const writer of this.writers) writer.broadcastEvent(barrier);
    }
    return async () => {
      const state: Record<string, OperatorSubtaskStateHandles> = {};
      for (const [id, write] of writers) {
        const s = await write();
        if (s.keyed.length > 0 || s.operator !== undefined) state[id] = s;
      }
      return state;
    };
  }

  async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    for (const member of this.members) await this.#guard(member, () => member.operator.notifyCheckpointComplete(checkpointId));
  }

  async notifyCheckpointAborted(checkpointId: number): Promise<void> {
    for (const member of this.members) await this.#guard(member, () => member.operator.notifyCheckpointAborted(checkpointId));
  }

  /** The keyed state backend of the head operator, when it is keyed; the task sets each record's key in it. */
  get headKeyedStateBackend(): KeyedStateBackend | undefined {
    return this.members[0]!.keyedStateBackend;
  }

  /** The head operator's key selectors per input (index 0: first input). */
  get headKeySelectors(): readonly (((value: unknown) => unknown) | undefined)[] {
    return this.members[0]!.stateKeySelectors ?? [];
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
      member.keyedStateBackend?.dispose();
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

  async #guardValue<T>(member: ChainMember, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      annotateOperator(error, member.name);
      throw error;
    }
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
