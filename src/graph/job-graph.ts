// JobGraph: chains of operators as vertices, plain data only (it crosses threads and processes).

import type { ShipStrategy } from './stream-graph.ts';

export interface ChainedOperator {
  readonly operatorId: string;
  readonly uid: string | undefined;
  readonly name: string;
  /** Operators this one calls directly, in the same task. */
  readonly chainedOutputs: string[];
  /** Edges (StreamEdge ids) this operator writes to through the network. */
  readonly networkOutputs: string[];
  readonly isCollect: boolean;
}

export interface JobEdge {
  readonly id: string;
  readonly sourceVertexId: string;
  readonly sourceOperatorId: string;
  readonly targetOperatorId: string;
  readonly shipStrategy: ShipStrategy;
  readonly typeNumber: number;
}

export interface JobVertex {
  /** The head operator's id, as in Flink. */
  readonly id: string;
  readonly name: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly slotSharingGroup: string;
  readonly isSource: boolean;
  /** Chained operator ids, head first. */
  readonly operatorIds: string[];
  readonly operators: ChainedOperator[];
  readonly inputs: JobEdge[];
}

export interface JobGraph {
  readonly jobId: string;
  readonly jobName: string;
  /** Topologically sorted: every vertex comes after the vertices it reads from. */
  readonly vertices: JobVertex[];
}

/** Slots a job needs: per slot-sharing group its largest parallelism, summed over groups. */
export function requiredSlots(graph: JobGraph): { total: number; perGroup: Map<string, number> } {
  const perGroup = new Map<string, number>();
  for (const v of graph.vertices) {
    perGroup.set(v.slotSharingGroup, Math.max(perGroup.get(v.slotSharingGroup) ?? 0, v.parallelism));
  }
  let total = 0;
  for (const n of perGroup.values()) total += n;
  return { total, perGroup };
}
