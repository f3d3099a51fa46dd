// Slot-sharing groups (inherited from inputs when they agree, else "default") and requiredSlots over groups.

import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment } from '../../../src/api/environment.ts';
import { DiscardingSink } from '../../../src/api/sinks/discarding-sink.ts';
import { requiredSlots, type JobGraph, type JobVertex } from '../../../src/graph/job-graph.ts';

function newEnv(parallelism = 2): StreamExecutionEnvironment {
  return new StreamExecutionEnvironment({ configuration: { 'parallelism.default': parallelism } });
}

/** Slot-sharing group of every stream node, by node name (names are unique in these jobs). */
function groups(env: StreamExecutionEnvironment): Record<string, string> {
  return Object.fromEntries([...env.getStreamGraph().nodes.values()].map((n) => [n.name, n.slotSharingGroup]));
}

describe('slot-sharing group of an operator', () => {
  it('is "default" everywhere when no group is set', () => {
    const env = newEnv();
    env.fromSequence(1, 10).map((n) => n).keyBy((n) => n).sum().print();
    expect(groups(env)).toEqual({
      'Source: Sequence Source': 'default',
      Map: 'default',
      'Keyed Aggregation': 'default',
      'Sink: Print to Std. Out': 'default',
    });
  });

  it('is inherited from a single input, across keyBy and rebalance', () => {
    const env = newEnv();
    env
      .fromSequence(1, 10)
      .slotSharingGroup('ingest')
      .map((n) => n)
      .keyBy((n) => n % 2)
      .sum()
      .rebalance()
      .sinkTo(new DiscardingSink());
    expect(groups(env)).toEqual({
      'Source: Sequence Source': 'ingest',
      Map: 'ingest',
      'Keyed Aggregation': 'ingest',
      'Sink: Unnamed': 'ingest',
    });
  });

  it('is the explicit group when one is set, and followers inherit it', () => {
    const env = newEnv();
    env.fromSequence(1, 10).slotSharingGroup('a').map((n) => n).slotSharingGroup('b').filter(() => true).print();
    expect(groups(env)).toEqual({
      'Source: Sequence Source': 'a',
      Map: 'b',
      Filter: 'b',
      'Sink: Print to Std. Out': 'b',
    });
  });

  it('is the common group of a union whose inputs agree', () => {
    const env = newEnv();
    const left = env.fromSequence(1, 5).name('left').slotSharingGroup('a');
    const right = env.fromSequence(6, 10).name('right').slotSharingGroup('a');
    left.union(right).map((n) => n).print();
    expect(groups(env)['Map']).toBe('a');
  });

  it('is "default" for a union whose inputs disagree', () => {
    const env = newEnv();
    const left = env.fromSequence(1, 5).name('left').slotSharingGroup('a');
    const right = env.fromSequence(6, 10).name('right').slotSharingGroup('b');
    left.union(right).map((n) => n).print();
    expect(groups(env)).toEqual({ 'Source: left': 'a', 'Source: right': 'b', Map: 'default', 'Sink: Print to Std. Out': 'default' });
  });

  it('is "default" for a union of an explicit group and the default group', () => {
    const env = newEnv();
    const left = env.fromSequence(1, 5).name('left').slotSharingGroup('a');
    const right = env.fromSequence(6, 10).name('right');
    left.union(right).map((n) => n).print();
    expect(groups(env)['Map']).toBe('default');
  });

  it('is set on sinks too, and a vertex takes its head operator\'s group', () => {
    const env = newEnv();
    env.fromSequence(1, 10).map((n) => n).print().slotSharingGroup('sinks');
    const vertices = env.getJobGraph().vertices.map((v) => [v.name, v.slotSharingGroup]);
    expect(vertices).toEqual([
      ['Source: Sequence Source -> Map', 'default'],
      ['Sink: Print to Std. Out', 'sinks'],
    ]);
  });

  it('rejects an empty group name', () => {
    const env = newEnv();
    expect(() => env.fromSequence(1, 10).slotSharingGroup('')).toThrow(/slot sharing group/);
  });
});

describe('requiredSlots: per group the largest parallelism, summed over groups', () => {
  const cases: {
    name: string;
    build: (env: StreamExecutionEnvironment) => void;
    total: number;
    perGroup: Record<string, number>;
  }[] = [
    {
      name: 'one chain at the default parallelism',
      build: (env) => env.fromSequence(1, 10).map((n) => n).print(),
      total: 2,
      perGroup: { default: 2 },
    },
    {
      name: 'one group, parallelism 2 then 4 then 1: the max',
      build: (env) => env.fromSequence(1, 10).map((n) => n).setParallelism(4).print().setParallelism(1),
      total: 4,
      perGroup: { default: 4 },
    },
    {
      name: 'no chaining does not change the slot count',
      build: (env) => {
        env.disableOperatorChaining();
        env.fromSequence(1, 10).map((n) => n).filter(() => true).print();
      },
      total: 2,
      perGroup: { default: 2 },
    },
    {
      name: 'two groups: 2 (default) + 3 (x)',
      build: (env) => env.fromSequence(1, 10).map((n) => n).setParallelism(3).slotSharingGroup('x').print(),
      total: 5,
      perGroup: { default: 2, x: 3 },
    },
    {
      name: 'three groups of parallelism 1, 2, 3',
      build: (env) =>
        env
          .fromSequence(1, 10)
          .setParallelism(1)
          .slotSharingGroup('a')
          .map((n) => n)
          .setParallelism(2)
          .slotSharingGroup('b')
          .map((n) => n)
          .setParallelism(3)
          .slotSharingGroup('c')
          .sinkTo(new DiscardingSink())
          .setParallelism(1),
      total: 6,
      perGroup: { a: 1, b: 2, c: 3 },
    },
    {
      name: 'an inherited group counts its inheritors: a = max(4, 2), b = 1',
      build: (env) =>
        env
          .fromSequence(1, 10)
          .setParallelism(4)
          .slotSharingGroup('a')
          .map((n) => n)
          .print()
          .setParallelism(1)
          .slotSharingGroup('b'),
      total: 5,
      perGroup: { a: 4, b: 1 },
    },
    {
      name: 'a union of two groups falls back to default',
      build: (env) => {
        const left = env.fromSequence(1, 5).name('left').setParallelism(3).slotSharingGroup('a');
        const right = env.fromSequence(6, 10).name('right').setParallelism(5).slotSharingGroup('b');
        left.union(right).map((n) => n).print();
      },
      total: 10,
      perGroup: { a: 3, b: 5, default: 2 },
    },
  ];

  it.each(cases)('$name', ({ build, total, perGroup }) => {
    const env = newEnv();
    build(env);
    const slots = requiredSlots(env.getJobGraph());
    expect(Object.fromEntries(slots.perGroup)).toEqual(perGroup);
    expect(slots.total).toBe(total);
  });

  it('works on a hand-built job graph (plain data)', () => {
    const v = (id: string, parallelism: number, slotSharingGroup: string): JobVertex => ({
      id,
      name: id,
      parallelism,
      maxParallelism: 128,
      slotSharingGroup,
      isSource: false,
      operatorIds: [id],
      operators: [],
      inputs: [],
    });
    const graph: JobGraph = {
      jobId: 'j',
      jobName: 'j',
      vertices: [v('a', 7, 'g1'), v('b', 3, 'g1'), v('c', 2, 'g2'), v('d', 9, 'g3'), v('e', 8, 'g3')],
    };
    const slots = requiredSlots(graph);
    expect(Object.fromEntries(slots.perGroup)).toEqual({ g1: 7, g2: 2, g3: 9 });
    expect(slots.total).toBe(18);
    expect(requiredSlots({ jobId: 'j', jobName: 'j', vertices: [] }).total).toBe(0);
  });
});
