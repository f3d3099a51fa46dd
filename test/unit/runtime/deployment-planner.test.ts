// The deployment planner picks a channel per producer/consumer pair: in-thread when they share a thread, a
// MessageChannel when they share a process, a remote (framed TCP) channel naming the consumer's data address else.
import { describe, expect, it } from 'vitest';
import type { ChainedOperator, JobEdge, JobGraph, JobVertex } from '../../../src/graph/job-graph.ts';
import { channelKind, planDeployment, type PlanOptions } from '../../../src/runtime/deployment-planner.ts';
import type { ChannelEndpoint, DataAddress } from '../../../src/runtime/protocol.ts';

function vertex(id: string, parallelism: number, inputs: JobEdge[] = []): JobVertex {
  return {
    id,
    name: id,
    parallelism,
    maxParallelism: 128,
    slotSharingGroup: 'default',
    isSource: inputs.length === 0,
    operatorIds: [`${id}-op`],
    operators: [{ operatorId: `${id}-op` } as ChainedOperator],
    inputs,
  };
}

/** source (2) --hash--> counter (2), counter's subtask 0 holding the collect sink. */
const graph: JobGraph = {
  jobId: 'j'.repeat(32),
  jobName: 'plan',
  vertices: [
    vertex('source', 2),
    vertex('counter', 2, [
      { id: 'e1', sourceVertexId: 'source', sourceOperatorId: 'source-op', targetOperatorId: 'counter-op', shipStrategy: 'HASH', typeNumber: 0 },
    ]),
  ],
};

/** TaskManagers 0 and 1 are threads of the JobManager's process (''), 2 and 3 are processes 'a' and 'b'. */
const processOf = (tm: number): string => (tm <= 1 ? '' : tm === 2 ? 'a' : 'b');
const addresses: Record<string, DataAddress> = {
  '': { host: 'jobmanager', port: 6123 },
  a: { host: '10.0.0.2', port: 40001 },
  b: { host: '10.0.0.3', port: 40002 },
};

function options(overrides: Partial<PlanOptions> = {}): PlanOptions {
  return {
    attemptNumber: 3,
    capacity: 4,
    configuration: {},
    splits: new Map(),
    collectOperatorId: undefined,
    sameThread: (a, b) => a === b,
    sameProcess: (a, b) => processOf(a) === processOf(b),
    dataAddress: (tm) => addresses[tm < 0 ? '' : processOf(tm)]!,
    clientTaskManager: -1,
    ...overrides,
  };
}

const kindsOf = (channels: readonly ChannelEndpoint[]): string[] => channels.map((c) => c.kind);

describe('channel choice', () => {
  it('is local within a thread, a MessageChannel within a process, remote across processes', () => {
    const o = options();
    expect(channelKind(o, 2, 2)).toBe('local');
    expect(channelKind(o, 0, 1)).toBe('port');
    expect(channelKind(o, 0, -1)).toBe('port'); // a JobManager thread to the client
    expect(channelKind(o, 2, -1)).toBe('remote'); // a TaskManager process to the client
    expect(channelKind(o, 2, 3)).toBe('remote');
    expect(channelKind(o, 1, 3)).toBe('remote');
    expect(channelKind({ sameThread: () => false }, 0, 5)).toBe('port'); // no process information: one process
  });

  it('wires a job across two TaskManager processes: remote ends carry the consumer process\'s data address', () => {
    const assignment = new Map([
      ['source', [2, 3]],
      ['counter', [2, 3]],
    ]);
    const plan = planDeployment(graph, assignment, options());
    const [source0, source1] = plan.tasks.get('source')!;
    const [counter0, counter1] = plan.tasks.get('counter')!;
    expect(kindsOf(source0!.outputs[0]!.channels)).toEqual(['local', 'remote']);
    expect(kindsOf(source1!.outputs[0]!.channels)).toEqual(['remote', 'local']);
    const out = source0!.outputs[0]!.channels[1]!;
    expect(out).toEqual({ kind: 'remote', id: `${graph.jobId}#3:e1:0->1`, capacity: 4, connect: addresses['b'] });
    // The consumer's end is met by id in its own process and names no address.
    const inp = counter1!.inputs.find((i) => i.producerSubtask === 0)!.channel;
    expect(inp).toEqual({ kind: 'remote', id: `${graph.jobId}#3:e1:0->1`, capacity: 4 });
    expect(counter0!.inputs.find((i) => i.producerSubtask === 1)!.channel).toMatchObject({ kind: 'remote', id: `${graph.jobId}#3:e1:1->0` });
  });

  it('mixes thread and process TaskManagers per pair, and sends the collect channel to the JobManager process', () => {
    const assignment = new Map([
      ['source', [0, 1]],
      ['counter', [1, 2]],
    ]);
    const plan = planDeployment(graph, assignment, options({ collectOperatorId: 'counter-op' }));
    const [source0, source1] = plan.tasks.get('source')!;
    expect(kindsOf(source0!.outputs[0]!.channels)).toEqual(['port', 'remote']);
    expect(kindsOf(source1!.outputs[0]!.channels)).toEqual(['local', 'remote']);
    expect(source1!.outputs[0]!.channels[1]).toMatchObject({ connect: addresses['a'] });
    // counter's subtask 0 runs on TaskManager 1, a thread of the client's process.
    expect(plan.tasks.get('counter')![0]!.collect!.channel.kind).toBe('port');
    expect(plan.collectEndpoint!.kind).toBe('port');
  });

  it('sends the collect channel of a task on a TaskManager process to the JobManager\'s data address', () => {
    const assignment = new Map([
      ['source', [3, 2]],
      ['counter', [3, 2]],
    ]);
    const plan = planDeployment(graph, assignment, options({ collectOperatorId: 'counter-op' }));
    expect(plan.tasks.get('counter')![0]!.collect!.channel).toEqual({
      kind: 'remote',
      id: `${graph.jobId}#3:collect`,
      capacity: 4,
      connect: addresses[''],
    });
    expect(plan.collectEndpoint).toEqual({ kind: 'remote', id: `${graph.jobId}#3:collect`, capacity: 4 });
  });

  it('refuses a remote channel when the cluster names no data addresses', () => {
    const assignment = new Map([
      ['source', [2, 3]],
      ['counter', [2, 3]],
    ]);
    const { dataAddress: _dropped, ...withoutAddresses } = options();
    expect(() => planDeployment(graph, assignment, withoutAddresses)).toThrow(/crosses processes, but the cluster names no data addresses/);
  });
});
