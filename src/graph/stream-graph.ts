// StreamGraph: one node per physical transformation, edges carrying their partitioning. Built by the API's
// StreamGraphGenerator; translated into a JobGraph by the JobGraphGenerator.

export type ChainingStrategy = 'ALWAYS' | 'HEAD' | 'NEVER';
export type ShipStrategy = 'FORWARD' | 'HASH' | 'REBALANCE' | 'RESCALE' | 'SHUFFLE' | 'BROADCAST' | 'GLOBAL' | 'CUSTOM';
export type NodeKind = 'source' | 'operator' | 'sink';

export interface StreamEdge {
  /** Stable across replays of the job module: source and target operator ids plus an index. */
  readonly id: string;
  readonly sourceId: number;
  readonly targetId: number;
  readonly shipStrategy: ShipStrategy;
  /** Live partitioning function (key selector or custom partitioner); never serialised. */
  readonly partitioner: unknown;
  /** 1 or 2 for two-input operators, 0 otherwise. */
  readonly typeNumber: number;
  /** The id of the side output (OutputTag) this edge carries; undefined for the main output. */
  readonly outputTag?: string;
}

export interface StreamNode {
  readonly id: number;
  readonly operatorId: string;
  readonly uid: string | undefined;
  readonly name: string;
  readonly kind: NodeKind;
  readonly parallelism: number;
  /** Resolved: the operator's own, else the environment's, else Flink's default for its parallelism. */
  readonly maxParallelism: number;
  readonly slotSharingGroup: string;
  readonly chainingStrategy: ChainingStrategy;
  /** True for the sink of executeAndCollect(): its output goes to the client. */
  readonly isCollect: boolean;
  readonly inEdges: StreamEdge[];
  readonly outEdges: StreamEdge[];
  /** Live operator factory and user functions; never serialised. */
  readonly payload: unknown;
}

export class StreamGraph {
  readonly nodes = new Map<number, StreamNode>();

  constructor(
    readonly jobName: string,
    readonly chainingEnabled: boolean,
  ) {}

  addNode(node: StreamNode): void {
    this.nodes.set(node.id, node);
  }

  getNode(id: number): StreamNode {
    const node = this.nodes.get(id);
    if (node === undefined) throw new Error(`no stream node ${id}`);
    return node;
  }

  addEdge(edge: StreamEdge): void {
    this.getNode(edge.sourceId).outEdges.push(edge);
    this.getNode(edge.targetId).inEdges.push(edge);
  }

  getSourceNodes(): StreamNode[] {
    return [...this.nodes.values()].filter((n) => n.inEdges.length === 0);
  }

  findByOperatorId(operatorId: string): StreamNode | undefined {
    for (const node of this.nodes.values()) if (node.operatorId === operatorId) return node;
    return undefined;
  }

  findEdge(edgeId: string): StreamEdge | undefined {
    for (const node of this.nodes.values()) for (const e of node.outEdges) if (e.id === edgeId) return e;
    return undefined;
  }
}
