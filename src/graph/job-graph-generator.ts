// StreamGraph -> JobGraph: the one place the chaining rules live (Flink's StreamingJobGraphGenerator).

import type { ChainedOperator, JobEdge, JobGraph, JobVertex } from './job-graph.ts';
import type { StreamEdge, StreamGraph, StreamNode } from './stream-graph.ts';

/**
 * Whether the edge's target joins its source's chain. Flink's rules: the target has exactly one input, both
 * sides are in the same slot-sharing group, the target may be chained to its predecessor (ALWAYS), the source
 * does not forbid chaining (not NEVER), the edge is FORWARD, the parallelisms match, and chaining is enabled.
 */
export function isChainable(edge: StreamEdge, graph: StreamGraph): boolean {
  const upstream = graph.getNode(edge.sourceId);
  const downstream = graph.getNode(edge.targetId);
  return (
    graph.chainingEnabled &&
    downstream.inEdges.length === 1 &&
    upstream.slotSharingGroup === downstream.slotSharingGroup &&
    downstream.chainingStrategy === 'ALWAYS' &&
    upstream.chainingStrategy !== 'NEVER' &&
    edge.shipStrategy === 'FORWARD' &&
    upstream.parallelism === downstream.parallelism
  );
}

export function createJobGraph(graph: StreamGraph, jobId: string): JobGraph {
  const headOf = new Map<number, number>(); // node id -> head node id of its chain
  const chains = new Map<number, StreamNode[]>(); // head id -> nodes, head first (pre-order)
  const pending: number[] = graph.getSourceNodes().map((n) => n.id);
  const started = new Set<number>(pending);

  while (pending.length > 0) {
    const headId = pending.shift()!;
    const members: StreamNode[] = [];
    const visit = (node: StreamNode): void => {
      members.push(node);
      headOf.set(node.id, headId);
      for (const edge of node.outEdges) {
        const target = graph.getNode(edge.targetId);
        if (isChainable(edge, graph)) visit(target);
        else if (!started.has(target.id)) {
          started.add(target.id);
          pending.push(target.id);
        }
      }
    };
    visit(graph.getNode(headId));
    chains.set(headId, members);
  }

  const vertexIdOf = (nodeId: number): string => graph.getNode(headOf.get(nodeId)!).operatorId;
  const unsorted: JobVertex[] = [];
  for (const [headId, members] of chains) {
    const head = graph.getNode(headId);
    const operators: ChainedOperator[] = members.map((node) => ({
      operatorId: node.operatorId,
      uid: node.uid,
      name: node.name,
      chainedOutputs: node.outEdges.filter((e) => isChainable(e, graph)).map((e) => graph.getNode(e.targetId).operatorId),
      networkOutputs: node.outEdges.filter((e) => !isChainable(e, graph)).map((e) => e.id),
      isCollect: node.isCollect,
    }));
    const inputs: JobEdge[] = head.inEdges.map((e) => ({
      id: e.id,
      sourceVertexId: vertexIdOf(e.sourceId),
      sourceOperatorId: graph.getNode(e.sourceId).operatorId,
      targetOperatorId: head.operatorId,
      shipStrategy: e.shipStrategy,
      typeNumber: e.typeNumber,
    }));
    unsorted.push({
      id: head.operatorId,
      name: chainedName(head, graph),
      parallelism: head.parallelism,
      maxParallelism: head.maxParallelism,
      slotSharingGroup: head.slotSharingGroup,
      isSource: head.kind === 'source',
      operatorIds: members.map((m) => m.operatorId),
      operators,
      inputs,
    });
  }
  return { jobId, jobName: graph.jobName, vertices: topologicalOrder(unsorted) };
}

/** Flink's chain naming: "a -> b" for one chained output, "a -> (b, c)" for several. */
function chainedName(node: StreamNode, graph: StreamGraph): string {
  const chained = node.outEdges.filter((e) => isChainable(e, graph)).map((e) => chainedName(graph.getNode(e.targetId), graph));
  if (chained.length === 0) return node.name;
  if (chained.length === 1) return `${node.name} -> ${chained[0]}`;
  return `${node.name} -> (${chained.join(', ')})`;
}

function topologicalOrder(vertices: JobVertex[]): JobVertex[] {
  const byId = new Map(vertices.map((v) => [v.id, v]));
  const done = new Set<string>();
  const out: JobVertex[] = [];
  const visit = (v: JobVertex): void => {
    if (done.has(v.id)) return;
    done.add(v.id);
    for (const input of v.inputs) visit(byId.get(input.sourceVertexId)!);
    out.push(v);
  };
  for (const v of vertices) visit(v);
  return out;
}
