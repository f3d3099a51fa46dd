// The StreamGraph the API builds: operator ids, uids, partitioning checks, max parallelism, and the plan JSON.

import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment } from '../../../src/api/environment.ts';
import { DiscardingSink } from '../../../src/api/sinks/discarding-sink.ts';
import { IllegalArgumentError, IllegalStateError, InvalidProgramError } from '../../../src/core/errors.ts';
import { isHexId } from '../../../src/core/ids.ts';
import type { ExecutionPlanNode } from '../../../src/graph/execution-plan.ts';
import { computeDefaultMaxParallelism } from '../../../src/state/key-group.ts';

function newEnv(parallelism = 2): StreamExecutionEnvironment {
  return new StreamExecutionEnvironment({ configuration: { 'parallelism.default': parallelism } });
}

/** A job with a keyBy, a rebalance and a fan-out, built the same way every time. */
function wordCountLike(env: StreamExecutionEnvironment): void {
  const words = env.fromSequence(1, 100).map((n) => `w${n % 7}`).name('to word');
  words
    .map((w): [string, number] => [w, 1])
    .keyBy((t) => t[0])
    .sum(1)
    .print();
  words.rebalance().filter((w) => w.length > 1).sinkTo(new DiscardingSink());
}

function operatorIds(env: StreamExecutionEnvironment): string[] {
  return [...env.getStreamGraph().nodes.values()].map((n) => n.operatorId);
}

describe('operator ids', () => {
  it('are 32 lowercase hex digits and unique within a job', () => {
    const env = newEnv();
    wordCountLike(env);
    const ids = operatorIds(env);
    expect(ids).toHaveLength(7);
    for (const id of ids) expect(isHexId(id), id).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('are stable across two identical builds (edges and job vertices too)', () => {
    const a = newEnv();
    const b = newEnv();
    wordCountLike(a);
    wordCountLike(b);
    expect(operatorIds(b)).toEqual(operatorIds(a));
    const edges = (env: StreamExecutionEnvironment) =>
      [...env.getStreamGraph().nodes.values()].flatMap((n) => n.outEdges.map((e) => e.id));
    expect(edges(b)).toEqual(edges(a));
    expect(b.getJobGraph().vertices.map((v) => v.id)).toEqual(a.getJobGraph().vertices.map((v) => v.id));
  });

  it('are stable across repeated getStreamGraph() calls on one environment', () => {
    const env = newEnv();
    wordCountLike(env);
    expect(operatorIds(env)).toEqual(operatorIds(env));
  });

  it('depend on the position in the graph when no uid is set', () => {
    const a = newEnv();
    a.fromSequence(1, 10).map((n) => n).print();
    const b = newEnv();
    b.fromSequence(1, 10).filter(() => true).map((n) => n).print();
    const mapId = (env: StreamExecutionEnvironment) =>
      [...env.getStreamGraph().nodes.values()].find((n) => n.name === 'Map')!.operatorId;
    expect(mapId(a)).not.toBe(mapId(b));
  });

  it('come from the uid when one is set: the same uid in two different jobs gives the same id', () => {
    const a = newEnv();
    a.fromSequence(1, 10).map((n) => n * 2).uid('doubler').print();
    const b = newEnv(4);
    b.fromElements(1, 2, 3).filter(() => true).rebalance().map((n) => n + 1).uid('doubler').name('other name').print();
    const byUid = (env: StreamExecutionEnvironment) =>
      [...env.getStreamGraph().nodes.values()].find((n) => n.uid === 'doubler')!.operatorId;
    expect(isHexId(byUid(a))).toBe(true);
    expect(byUid(b)).toBe(byUid(a));

    const noUid = newEnv();
    noUid.fromSequence(1, 10).map((n) => n * 2).print();
    const autoId = [...noUid.getStreamGraph().nodes.values()].find((n) => n.name === 'Map')!.operatorId;
    expect(autoId).not.toBe(byUid(a));
  });

  it('a uid on a sink is kept too', () => {
    const env = newEnv();
    env.fromSequence(1, 10).print().uid('out');
    const sink = [...env.getStreamGraph().nodes.values()].find((n) => n.kind === 'sink')!;
    expect(sink.uid).toBe('out');
  });

  it('a duplicate uid is an InvalidProgramError naming the uid', () => {
    const env = newEnv();
    env.fromSequence(1, 10).uid('same').map((n) => n).uid('same').print();
    expect(() => env.getStreamGraph()).toThrow(InvalidProgramError);
    expect(() => env.getStreamGraph()).toThrow(/'same'/);
  });

  it('an empty uid is rejected at once', () => {
    const env = newEnv();
    expect(() => env.fromSequence(1, 10).uid('')).toThrow(IllegalArgumentError);
  });
});

describe('partitioning between operators', () => {
  it('forward between different parallelisms is an InvalidProgramError', () => {
    const env = newEnv();
    env.fromSequence(1, 10).map((n) => n).forward().filter(() => true).setParallelism(3).print();
    let error: unknown;
    try {
      env.getStreamGraph();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidProgramError);
    expect((error as InvalidProgramError).code).toBe('INVALID_PROGRAM');
    expect((error as Error).message).toMatch(/Forward partitioning does not allow change of parallelism/);
  });

  it('no partitioning: FORWARD at equal parallelism, REBALANCE otherwise', () => {
    const env = newEnv();
    env.fromSequence(1, 10).map((n) => n).map((n) => n).setParallelism(3).print().setParallelism(3);
    const ships = [...env.getStreamGraph().nodes.values()].flatMap((n) => n.outEdges.map((e) => e.shipStrategy));
    expect(ships).toEqual(['FORWARD', 'REBALANCE', 'FORWARD']);
  });

  it('an empty environment cannot build a graph', () => {
    expect(() => newEnv().getStreamGraph()).toThrow(IllegalStateError);
    expect(() => newEnv().getStreamGraph()).toThrow(/No operators defined/);
  });
});

describe('max parallelism', () => {
  // Flink's KeyGroupRangeAssignment.computeDefaultMaxParallelism: max(128, roundUpToPowerOfTwo(p + p/2)), <= 32768.
  const defaults: [parallelism: number, maxParallelism: number][] = [
    [1, 128],
    [2, 128],
    [64, 128],
    [85, 128],
    [86, 256],
    [100, 256],
    [128, 256],
    [171, 256],
    [172, 512],
    [1000, 2048],
    [21845, 32768],
    [21846, 32768],
    [32768, 32768],
  ];

  it.each(defaults)('computeDefaultMaxParallelism(%i) = %i', (p, max) => {
    expect(computeDefaultMaxParallelism(p)).toBe(max);
  });

  it.each([
    [1, 128],
    [85, 128],
    [100, 256],
  ])('a node of parallelism %i gets the default max parallelism %i', (p, max) => {
    const env = newEnv(p);
    env.fromSequence(1, 10).map((n) => n).print();
    for (const node of env.getStreamGraph().nodes.values()) expect(node.maxParallelism).toBe(max);
    for (const v of env.getJobGraph().vertices) expect(v.maxParallelism).toBe(max);
  });

  it('each node derives its default from its own parallelism', () => {
    const env = newEnv(1);
    env.fromSequence(1, 10).map((n) => n).setParallelism(100).print();
    const byName = Object.fromEntries([...env.getStreamGraph().nodes.values()].map((n) => [n.name, n.maxParallelism]));
    expect(byName).toEqual({ 'Source: Sequence Source': 128, Map: 256, 'Sink: Print to Std. Out': 128 });
  });

  it("the environment's max parallelism overrides the default, an operator's overrides the environment's", () => {
    const env = newEnv(2);
    env.setMaxParallelism(1000);
    env.fromSequence(1, 10).map((n) => n).setMaxParallelism(64).print();
    const byName = Object.fromEntries([...env.getStreamGraph().nodes.values()].map((n) => [n.name, n.maxParallelism]));
    expect(byName).toEqual({ 'Source: Sequence Source': 1000, Map: 64, 'Sink: Print to Std. Out': 1000 });
  });

  it('parallelism above the max parallelism is an InvalidProgramError', () => {
    const env = newEnv(2);
    env.fromSequence(1, 10).map((n) => n).setParallelism(20).setMaxParallelism(16).print();
    expect(() => env.getStreamGraph()).toThrow(InvalidProgramError);
    expect(() => env.getStreamGraph()).toThrow(/parallelism 20 above its max parallelism 16/);
  });

  it.each([0, -1, 32769, 1.5])('setMaxParallelism(%d) is rejected', (bad) => {
    expect(() => newEnv().setMaxParallelism(bad)).toThrow(IllegalArgumentError);
    expect(() => newEnv().fromSequence(1, 2).setMaxParallelism(bad)).toThrow(IllegalArgumentError);
  });
});

describe('non-parallel sources', () => {
  it('fromElements runs at parallelism 1 whatever the default', () => {
    const env = newEnv(4);
    env.fromElements(1, 2, 3).print();
    const source = [...env.getStreamGraph().nodes.values()].find((n) => n.kind === 'source')!;
    expect(source.parallelism).toBe(1);
  });

  it('fromElements rejects setParallelism(2) and accepts setParallelism(1)', () => {
    const env = newEnv();
    const source = env.fromElements('a', 'b');
    expect(() => source.setParallelism(2)).toThrow(IllegalArgumentError);
    expect(() => source.setParallelism(2)).toThrow(/non-parallel source/);
    expect(() => source.setParallelism(1)).not.toThrow();
  });

  it('fromSequence is parallel', () => {
    const env = newEnv();
    env.fromSequence(1, 10).setParallelism(3).print();
    expect([...env.getStreamGraph().nodes.values()].map((n) => n.parallelism)).toEqual([3, 2]);
  });
});

// Flink's JSONGenerator.decorateEdge adds the predecessor to the array before it computes
// `side: inputArray.size() == 0 ? "first" : "second"`, so Flink prints "second" for every predecessor, including
// the only input of a one-input operator. The plan follows Flink byte for byte, quirk included.
describe('execution plan JSON (Flink JSONGenerator shape)', () => {
  function plan(env: StreamExecutionEnvironment): ExecutionPlanNode[] {
    return (JSON.parse(env.getExecutionPlan()) as { nodes: ExecutionPlanNode[] }).nodes;
  }

  it('lists one node per physical operator with id, type, pact, contents, parallelism and predecessors', () => {
    const env = newEnv();
    env
      .fromSequence(1, 10)
      .map((n): [number, number] => [n % 2, n])
      .keyBy((t) => t[0])
      .sum(1)
      .setParallelism(3)
      .print();
    const nodes = plan(env);
    const id = (type: string) => nodes.find((n) => n.type === type)!.id;
    expect(nodes).toEqual([
      { id: id('Source: Sequence Source'), type: 'Source: Sequence Source', pact: 'Data Source', contents: 'Source: Sequence Source', parallelism: 2 },
      {
        id: id('Map'),
        type: 'Map',
        pact: 'Operator',
        contents: 'Map',
        parallelism: 2,
        predecessors: [{ id: id('Source: Sequence Source'), ship_strategy: 'FORWARD', side: 'second' }],
      },
      {
        id: id('Keyed Aggregation'),
        type: 'Keyed Aggregation',
        pact: 'Operator',
        contents: 'Keyed Aggregation',
        parallelism: 3,
        predecessors: [{ id: id('Map'), ship_strategy: 'HASH', side: 'second' }],
      },
      {
        id: id('Sink: Print to Std. Out'),
        type: 'Sink: Print to Std. Out',
        pact: 'Data Sink',
        contents: 'Sink: Print to Std. Out',
        parallelism: 2,
        predecessors: [{ id: id('Keyed Aggregation'), ship_strategy: 'REBALANCE', side: 'second' }],
      },
    ]);
    expect(new Set(nodes.map((n) => n.id)).size).toBe(4);
  });

  it('a union target lists both inputs in order (side "second", as Flink prints it)', () => {
    const env = newEnv();
    const left = env.fromSequence(1, 5).name('left');
    const right = env.fromSequence(6, 10).name('right');
    left.union(right.rebalance()).map((n) => n).print();
    const nodes = plan(env);
    const id = (type: string) => nodes.find((n) => n.type === type)!.id;
    expect(nodes.find((n) => n.type === 'Map')!.predecessors).toEqual([
      { id: id('Source: left'), ship_strategy: 'FORWARD', side: 'second' },
      { id: id('Source: right'), ship_strategy: 'REBALANCE', side: 'second' },
    ]);
  });

  it('is plain JSON and sorted by node id', () => {
    const env = newEnv();
    wordCountLike(env);
    const nodes = plan(env);
    expect(nodes.map((n) => n.id)).toEqual([...nodes.map((n) => n.id)].sort((a, b) => a - b));
    expect(nodes.filter((n) => n.pact === 'Data Source')).toHaveLength(1);
    expect(nodes.filter((n) => n.pact === 'Data Sink')).toHaveLength(2);
  });
});
