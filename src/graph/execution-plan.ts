// The execution plan JSON of a StreamGraph, in the shape Flink's JSONGenerator prints (nodes, pact, predecessors).

import type { StreamGraph } from './stream-graph.ts';

export interface ExecutionPlanNode {
  id: number;
  type: string;
  pact: 'Data Source' | 'Data Sink' | 'Operator';
  contents: string;
  parallelism: number;
  predecessors?: { id: number; ship_strategy: string; side: 'first' | 'second' }[];
}

export function executionPlan(graph: StreamGraph): { nodes: ExecutionPlanNode[] } {
  const nodes = [...graph.nodes.values()]
    .sort((a, b) => a.id - b.id)
    .map((node): ExecutionPlanNode => {
      const out: ExecutionPlanNode = {
        id: node.id,
        type: node.name,
        pact: node.kind === 'source' ? 'Data Source' : node.kind === 'sink' ? 'Data Sink' : 'Operator',
        contents: node.name,
        parallelism: node.parallelism,
      };
      if (node.inEdges.length > 0) {
        out.predecessors = node.inEdges.map((e) => ({
          id: e.sourceId,
          ship_strategy: e.shipStrategy,
          side: e.typeNumber === 1 ? 'first' : 'second',
        }));
      }
      return out;
    });
  return { nodes };
}
