// Turns a JobGraph plus a slot assignment into one TaskSpec per subtask, wiring every channel: an in-thread
// channel when producer and consumer share a thread, a MessageChannel whose ports travel with the specs when they
// share a process, else a remote (framed TCP) channel the two processes' main threads bridge.

import { MessageChannel } from 'node:worker_threads';
import type { SourceSplit } from '../api/source.ts';
import type { ConfigValue } from '../config/configuration.ts';
import { IllegalStateError } from '../core/errors.ts';
import type { JobGraph } from '../graph/job-graph.ts';
import { connections } from './network/channel-selector.ts';
import type { ChannelEndpoint, DataAddress, InputChannelSpec, OutputEdgeSpec, TaskSpec } from './protocol.ts';
import type { SlotAssignment } from './scheduler.ts';

export interface PlanOptions {
  readonly attemptNumber: number;
  readonly capacity: number;
  readonly configuration: Record<string, ConfigValue>;
  /** Splits per source vertex and subtask. */
  readonly splits: ReadonlyMap<string, readonly SourceSplit[][]>;
  readonly collectOperatorId: string | undefined;
  /** Whether two TaskManagers share a thread (always, for the in-process runtime). */
  readonly sameThread: (tmA: number, tmB: number) => boolean;
  /**
   * Whether two TaskManagers (-1: the client) share a process; absent: every TaskManager is in this process.
   * Ends in different processes get a `remote` channel.
   */
  readonly sameProcess?: (tmA: number, tmB: number) => boolean;
  /** The data address of the process of TaskManager `tm` (-1: the client's), for remote channels. */
  readonly dataAddress?: (tm: number) => DataAddress;
  /** TaskManager index of the client, for the collect channel; -1 when the client is in another thread. */
  readonly clientTaskManager: number;
}

/** How a channel between two TaskManagers (-1: the client) is carried. */
export function channelKind(options: Pick<PlanOptions, 'sameThread' | 'sameProcess'>, tmA: number, tmB: number): ChannelEndpoint['kind'] {
  if (options.sameThread(tmA, tmB)) return 'local';
  if (options.sameProcess === undefined || options.sameProcess(tmA, tmB)) return 'port';
  return 'remote';
}

export interface DeploymentPlan {
  /** Specs per vertex id, indexed by subtask. */
  readonly tasks: Map<string, TaskSpec[]>;
  /** The client's end of the collect channel. */
  readonly collectEndpoint: ChannelEndpoint | undefined;
}

export function planDeployment(graph: JobGraph, assignment: SlotAssignment, options: PlanOptions): DeploymentPlan {
  const prefix = `${graph.jobId}#${options.attemptNumber}`;
  const inputs = new Map<string, InputChannelSpec[][]>();
  const outputs = new Map<string, OutputEdgeSpec[][]>();
  for (const v of graph.vertices) {
    inputs.set(v.id, Array.from({ length: v.parallelism }, () => []));
    outputs.set(v.id, Array.from({ length: v.parallelism }, () => []));
  }

  /** The producer's and the consumer's end of channel `id` from TaskManager `tmA` to `tmB`. */
  const endpoints = (id: string, tmA: number, tmB: number): [ChannelEndpoint, ChannelEndpoint] => {
    const capacity = options.capacity;
    switch (channelKind(options, tmA, tmB)) {
      case 'local': {
        const local: ChannelEndpoint = { kind: 'local', id, capacity };
        return [local, local];
      }
      case 'port': {
        const { port1, port2 } = new MessageChannel();
        return [
          { kind: 'port', port: port1, capacity },
          { kind: 'port', port: port2, capacity },
        ];
      }
      case 'remote': {
        if (options.dataAddress === undefined) {
          throw new IllegalStateError(`channel ${id} crosses processes, but the cluster names no data addresses`);
        }
        return [
          { kind: 'remote', id, capacity, connect: options.dataAddress(tmB) },
          { kind: 'remote', id, capacity },
        ];
      }
    }
  };

  for (const consumer of graph.vertices) {
    for (const edge of consumer.inputs) {
      const producer = graph.vertices.find((v) => v.id === edge.sourceVertexId)!;
      const perProducer: ChannelEndpoint[][] = Array.from({ length: producer.parallelism }, () => []);
      for (const [p, c] of connections(edge.shipStrategy, producer.parallelism, consumer.parallelism)) {
        const tmP = assignment.get(producer.id)![p]!;
        const tmC = assignment.get(consumer.id)![c]!;
        const [out, inp] = endpoints(`${prefix}:${edge.id}:${p}->${c}`, tmP, tmC);
        perProducer[p]!.push(out);
        inputs.get(consumer.id)![c]!.push({ edgeId: edge.id, inputIndex: edge.typeNumber, producerSubtask: p, channel: inp });
      }
      perProducer.forEach((channels, p) => {
        outputs.get(producer.id)![p]!.push({
          edgeId: edge.id,
          operatorId: edge.sourceOperatorId,
          shipStrategy: edge.shipStrategy,
          consumerMaxParallelism: consumer.maxParallelism,
          channels,
        });
      });
    }
  }

  let collectEndpoint: ChannelEndpoint | undefined;
  const tasks = new Map<string, TaskSpec[]>();
  for (const v of graph.vertices) {
    let collect: TaskSpec['collect'];
    const collectOp = v.operators.find((o) => o.operatorId === options.collectOperatorId);
    if (collectOp !== undefined) {
      const tm = assignment.get(v.id)![0]!;
      const [out, inp] = endpoints(`${prefix}:collect`, tm, options.clientTaskManager);
      collect = { operatorId: collectOp.operatorId, channel: out };
      collectEndpoint = inp;
    }
    tasks.set(
      v.id,
      Array.from({ length: v.parallelism }, (_, i) => ({
        jobId: graph.jobId,
        jobName: graph.jobName,
        vertexId: v.id,
        vertexName: v.name,
        subtaskIndex: i,
        parallelism: v.parallelism,
        maxParallelism: v.maxParallelism,
        attemptNumber: options.attemptNumber,
        operators: v.operators,
        inputs: inputs.get(v.id)![i]!,
        outputs: outputs.get(v.id)![i]!,
        collect,
        splits: [...(options.splits.get(v.id)?.[i] ?? [])],
        configuration: options.configuration,
      })),
    );
  }
  return { tasks, collectEndpoint };
}
