// Operator chaining (StreamGraph -> JobGraph), one table row per Flink isChainable rule, checked through the API.

import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment } from '../../../src/api/environment.ts';
import { KeyedProcessFunction, type KeyedProcessContext } from '../../../src/api/process-function.ts';
import type { Collector } from '../../../src/api/functions.ts';
import { DiscardingSink } from '../../../src/api/sinks/discarding-sink.ts';
import type { ConfigValue } from '../../../src/config/configuration.ts';
import { createJobGraph, isChainable } from '../../../src/graph/job-graph-generator.ts';

/** What a row expects of one JobVertex; operator names are listed head first, in chain (pre-)order. */
interface VertexView {
  name: string;
  operators: string[];
  inputs: string[];
  parallelism: number;
  group: string;
}

function vertex(name: string, operators: string[], inputs: string[] = [], parallelism = 2, group = 'default'): VertexView {
  return { name, operators, inputs, parallelism, group };
}

function newEnv(conf: Record<string, ConfigValue> = {}): StreamExecutionEnvironment {
  return new StreamExecutionEnvironment({ configuration: { 'parallelism.default': 2, ...conf } });
}

function view(env: StreamExecutionEnvironment): VertexView[] {
  const streamGraph = env.getStreamGraph();
  const nameOf = (operatorId: string): string => {
    const node = streamGraph.findByOperatorId(operatorId);
    if (node === undefined) throw new Error(`operator ${operatorId} of the job graph is not in the stream graph`);
    return node.name;
  };
  return env.getJobGraph().vertices.map((v) => ({
    name: v.name,
    operators: v.operatorIds.map(nameOf),
    inputs: v.inputs.map((i) => i.shipStrategy),
    parallelism: v.parallelism,
    group: v.slotSharingGroup,
  }));
}

class CountPerKey extends KeyedProcessFunction<number, [number, number], number> {
  processElement(value: [number, number], _ctx: KeyedProcessContext<number>, out: Collector<number>): void {
    out.collect(value[1]);
  }
}

const SRC = 'Source: Sequence Source';
const PRINT = 'Sink: Print to Std. Out';
const DISCARD = 'Sink: Unnamed';

interface Row {
  rule: string;
  build: (env: StreamExecutionEnvironment) => void;
  expected: VertexView[];
}

const rows: Row[] = [
  {
    rule: 'forward + equal parallelism chains (and the source, strategy HEAD, chains to its follower)',
    build: (env) => env.fromSequence(1, 10).map((n) => n + 1).filter((n) => n > 2).sinkTo(new DiscardingSink()),
    expected: [vertex(`${SRC} -> Map -> Filter -> ${DISCARD}`, [SRC, 'Map', 'Filter', DISCARD])],
  },
  {
    rule: 'different parallelism breaks the chain (the edge becomes REBALANCE)',
    build: (env) => env.fromSequence(1, 10).map((n) => n).setParallelism(3).filter(() => true).print(),
    expected: [
      vertex(SRC, [SRC]),
      vertex('Map', ['Map'], ['REBALANCE'], 3),
      vertex(`Filter -> ${PRINT}`, ['Filter', PRINT], ['REBALANCE']),
    ],
  },
  {
    rule: 'fromElements (parallelism 1) does not chain to a parallelism-2 map',
    build: (env) => env.fromElements('a', 'b').map((s) => s.length).print(),
    expected: [
      vertex('Source: Collection Source', ['Source: Collection Source'], [], 1),
      vertex(`Map -> ${PRINT}`, ['Map', PRINT], ['REBALANCE']),
    ],
  },
  {
    rule: 'keyBy (HASH) breaks the chain: sum()',
    build: (env) =>
      env.fromSequence(1, 10).map((n): [number, number] => [n % 3, n]).keyBy((t) => t[0]).sum(1).print(),
    expected: [
      vertex(`${SRC} -> Map`, [SRC, 'Map']),
      vertex(`Keyed Aggregation -> ${PRINT}`, ['Keyed Aggregation', PRINT], ['HASH']),
    ],
  },
  {
    rule: 'keyBy (HASH) breaks the chain: reduce()',
    build: (env) => env.fromSequence(1, 10).keyBy((n) => n % 2).reduce((a, b) => a + b).sinkTo(new DiscardingSink()),
    expected: [vertex(SRC, [SRC]), vertex(`Keyed Reduce -> ${DISCARD}`, ['Keyed Reduce', DISCARD], ['HASH'])],
  },
  {
    rule: 'keyBy (HASH) breaks the chain: process()',
    build: (env) =>
      env
        .fromSequence(1, 10)
        .map((n): [number, number] => [n % 3, n])
        .keyBy((t) => t[0])
        .process(new CountPerKey())
        .print(),
    expected: [vertex(`${SRC} -> Map`, [SRC, 'Map']), vertex(`KeyedProcess -> ${PRINT}`, ['KeyedProcess', PRINT], ['HASH'])],
  },
  ...(
    [
      ['rebalance', 'REBALANCE'],
      ['rescale', 'RESCALE'],
      ['shuffle', 'SHUFFLE'],
      ['broadcast', 'BROADCAST'],
      ['global', 'GLOBAL'],
    ] as const
  ).map(
    ([method, ship]): Row => ({
      rule: `${method}() breaks the chain even at equal parallelism`,
      build: (env) => env.fromSequence(1, 10).map((n) => n)[method]().filter(() => true).print(),
      expected: [vertex(`${SRC} -> Map`, [SRC, 'Map']), vertex(`Filter -> ${PRINT}`, ['Filter', PRINT], [ship])],
    }),
  ),
  {
    rule: 'partitionCustom() (CUSTOM) breaks the chain even at equal parallelism',
    build: (env) =>
      env
        .fromSequence(1, 10)
        .partitionCustom((key: number, n) => key % n, (n) => n)
        .map((n) => n)
        .print(),
    expected: [vertex(SRC, [SRC]), vertex(`Map -> ${PRINT}`, ['Map', PRINT], ['CUSTOM'])],
  },
  {
    rule: 'an explicit forward() at equal parallelism chains',
    build: (env) => env.fromSequence(1, 10).map((n) => n).forward().filter(() => true).print(),
    expected: [vertex(`${SRC} -> Map -> Filter -> ${PRINT}`, [SRC, 'Map', 'Filter', PRINT])],
  },
  {
    rule: 'different slot-sharing groups break the chain; a follower inherits the group and chains again',
    build: (env) => env.fromSequence(1, 10).map((n) => n).slotSharingGroup('other').filter(() => true).print(),
    expected: [
      vertex(SRC, [SRC]),
      vertex(`Map -> Filter -> ${PRINT}`, ['Map', 'Filter', PRINT], ['FORWARD'], 2, 'other'),
    ],
  },
  {
    rule: 'startNewChain() starts a chain that later operators join',
    build: (env) =>
      env.fromSequence(1, 10).map((n) => n).filter(() => true).startNewChain().map((n) => n).name('second map').print(),
    expected: [
      vertex(`${SRC} -> Map`, [SRC, 'Map']),
      vertex(`Filter -> second map -> ${PRINT}`, ['Filter', 'second map', PRINT], ['FORWARD']),
    ],
  },
  {
    rule: 'disableChaining() isolates the operator on both sides',
    build: (env) =>
      env.fromSequence(1, 10).map((n) => n).filter(() => true).disableChaining().map((n) => n).name('after').print(),
    expected: [
      vertex(`${SRC} -> Map`, [SRC, 'Map']),
      vertex('Filter', ['Filter'], ['FORWARD']),
      vertex(`after -> ${PRINT}`, ['after', PRINT], ['FORWARD']),
    ],
  },
  {
    rule: 'disableChaining() on a sink keeps it out of the chain',
    build: (env) => env.fromSequence(1, 10).map((n) => n).print().disableChaining(),
    expected: [vertex(`${SRC} -> Map`, [SRC, 'Map']), vertex(PRINT, [PRINT], ['FORWARD'])],
  },
  {
    rule: 'env.disableOperatorChaining() turns chaining off everywhere',
    build: (env) => {
      env.disableOperatorChaining();
      env.fromSequence(1, 10).map((n) => n).filter(() => true).print();
    },
    expected: [
      vertex(SRC, [SRC]),
      vertex('Map', ['Map'], ['FORWARD']),
      vertex('Filter', ['Filter'], ['FORWARD']),
      vertex(PRINT, [PRINT], ['FORWARD']),
    ],
  },
  {
    rule: 'union gives the downstream two inputs, so it chains to neither',
    build: (env) => {
      const left = env.fromSequence(1, 5).name('left');
      const right = env.fromSequence(6, 10).name('right');
      left.union(right).map((n) => n).print();
    },
    expected: [
      vertex('Source: left', ['Source: left']),
      vertex('Source: right', ['Source: right']),
      vertex(`Map -> ${PRINT}`, ['Map', PRINT], ['FORWARD', 'FORWARD']),
    ],
  },
  {
    rule: 'fan-out: "a -> (b, c)" with both branches chained, in edge order',
    build: (env) => {
      const parsed = env.fromSequence(1, 10).map((n) => n).name('parse');
      parsed.filter(() => true).print();
      parsed.map((n) => n).name('enrich').sinkTo(new DiscardingSink());
    },
    expected: [
      vertex(`${SRC} -> parse -> (Filter -> ${PRINT}, enrich -> ${DISCARD})`, [SRC, 'parse', 'Filter', PRINT, 'enrich', DISCARD]),
    ],
  },
  {
    rule: 'fan-out with one branch broken: only the chained branch is in the name',
    build: (env) => {
      const parsed = env.fromSequence(1, 10).map((n) => n).name('parse');
      parsed.filter(() => true).print();
      parsed.rebalance().map((n) => n).name('enrich').sinkTo(new DiscardingSink());
    },
    expected: [
      vertex(`${SRC} -> parse -> Filter -> ${PRINT}`, [SRC, 'parse', 'Filter', PRINT]),
      vertex(`enrich -> ${DISCARD}`, ['enrich', DISCARD], ['REBALANCE']),
    ],
  },
];

describe('operator chaining (Flink isChainable)', () => {
  it.each(rows)('$rule', ({ build, expected }) => {
    const env = newEnv();
    build(env);
    const actual = view(env);
    expect(actual).toHaveLength(expected.length);
    expect(actual).toEqual(expect.arrayContaining(expected));
  });

  it.each(rows)('$rule: isChainable(edge) holds exactly for the edges inside a vertex', ({ build }) => {
    const env = newEnv();
    build(env);
    const streamGraph = env.getStreamGraph();
    const jobGraph = createJobGraph(streamGraph, '0'.repeat(32));
    const vertexOf = new Map<string, string>();
    for (const v of jobGraph.vertices) for (const op of v.operatorIds) vertexOf.set(op, v.id);
    for (const node of streamGraph.nodes.values()) {
      for (const edge of node.outEdges) {
        const target = streamGraph.getNode(edge.targetId);
        const sameVertex = vertexOf.get(node.operatorId) === vertexOf.get(target.operatorId);
        expect(isChainable(edge, streamGraph), `${node.name} -> ${target.name}`).toBe(sameVertex);
      }
    }
  });

  it.each(rows)('$rule: vertices are topologically sorted, head first, and inputs point at real vertices', ({ build }) => {
    const env = newEnv();
    build(env);
    const jobGraph = env.getJobGraph();
    const seen = new Map<string, string[]>(); // vertex id -> its operator ids
    for (const v of jobGraph.vertices) {
      expect(v.operatorIds[0]).toBe(v.id);
      expect(v.operators.map((o) => o.operatorId)).toEqual(v.operatorIds);
      for (const input of v.inputs) {
        expect(seen.has(input.sourceVertexId), `${v.name} comes after its input`).toBe(true);
        expect(seen.get(input.sourceVertexId)).toContain(input.sourceOperatorId);
        expect(input.targetOperatorId).toBe(v.id);
      }
      seen.set(v.id, v.operatorIds);
    }
  });

  it('every operator of the stream graph is in exactly one vertex', () => {
    const env = newEnv();
    rows.find((r) => r.rule.startsWith('fan-out with one branch'))!.build(env);
    const all = env.getJobGraph().vertices.flatMap((v) => v.operatorIds);
    expect(new Set(all).size).toBe(all.length);
    expect(new Set(all)).toEqual(new Set([...env.getStreamGraph().nodes.values()].map((n) => n.operatorId)));
  });

  it('a chained operator records its chained and network outputs', () => {
    const env = newEnv();
    const parsed = env.fromSequence(1, 10).map((n) => n).name('parse');
    parsed.filter(() => true).print();
    parsed.rebalance().map((n) => n).name('enrich').print();
    const streamGraph = env.getStreamGraph();
    const head = env.getJobGraph().vertices.find((v) => v.name.startsWith(SRC))!;
    const parse = head.operators.find((o) => o.name === 'parse')!;
    const filterId = [...streamGraph.nodes.values()].find((n) => n.name === 'Filter')!.operatorId;
    expect(parse.chainedOutputs).toEqual([filterId]);
    expect(parse.networkOutputs).toHaveLength(1);
    expect(streamGraph.findEdge(parse.networkOutputs[0]!)?.shipStrategy).toBe('REBALANCE');
  });

  it('getJobGraph() consumes nothing: two calls give the same vertices', () => {
    const env = newEnv();
    env.fromSequence(1, 10).map((n) => n).keyBy((n) => n).sum().print();
    const first = env.getJobGraph();
    const second = env.getJobGraph();
    expect(second.vertices).toEqual(first.vertices);
    expect(second.jobId).not.toBe(first.jobId);
  });
});
