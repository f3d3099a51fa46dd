// Transformations -> StreamGraph: resolves parallelism, slot-sharing groups, partitioning and operator ids.

import { stableId } from '../core/ids.ts';
import { InvalidProgramError } from '../core/errors.ts';
import { StreamGraph, type ShipStrategy, type StreamEdge } from '../graph/stream-graph.ts';
import { computeDefaultMaxParallelism } from '../state/key-group.ts';
import {
  OneInputTransformation,
  PartitionTransformation,
  SideOutputTransformation,
  SourceTransformation,
  TwoInputTransformation,
  UnionTransformation,
  type NodePayload,
  type Transformation,
} from './transformation.ts';
import { SourceOperator } from './operators/source-operator.ts';

export const DEFAULT_SLOT_SHARING_GROUP = 'default';

export interface StreamGraphSettings {
  jobName: string;
  parallelism: number;
  maxParallelism: number;
  chainingEnabled: boolean;
}

/** One physical input of a node after virtual transformations are resolved. */
interface ResolvedInput {
  nodeId: number;
  shipStrategy: ShipStrategy | undefined;
  partitioner: unknown;
  /** The side output of the node this input reads; undefined for its main output. */
  outputTag?: string;
  /** 1 or 2 for the inputs of a two-input operator, 0 otherwise. */
  typeNumber?: number;
}

export function generateStreamGraph(transformations: readonly Transformation[], settings: StreamGraphSettings): StreamGraph {
  const graph = new StreamGraph(settings.jobName, settings.chainingEnabled);
  const resolved = new Map<number, ResolvedInput[]>(); // transformation id -> physical inputs it stands for
  const uids = new Map<string, string>();

  const transform = (t: Transformation): ResolvedInput[] => {
    const known = resolved.get(t.id);
    if (known !== undefined) return known;
    let result: ResolvedInput[];
    if (t instanceof PartitionTransformation) {
      result = transform(t.input).map((r) => ({ ...r, shipStrategy: t.shipStrategy, partitioner: t.partitioner }));
    } else if (t instanceof SideOutputTransformation) {
      result = transform(t.input).map((r) => {
        if (r.outputTag !== undefined && r.outputTag !== t.tag) {
          throw new InvalidProgramError(`getSideOutput('${t.tag}') on a side output ('${r.outputTag}') is not supported`);
        }
        return { ...r, outputTag: t.tag };
      });
    } else if (t instanceof TwoInputTransformation) {
      const inputs = [
        ...transform(t.input1).map((r) => ({ ...r, typeNumber: 1 })),
        ...transform(t.input2).map((r) => ({ ...r, typeNumber: 2 })),
      ];
      addPhysicalNode(t, inputs);
      result = [{ nodeId: t.id, shipStrategy: undefined, partitioner: undefined }];
    } else if (t instanceof UnionTransformation) {
      result = t.inputs.flatMap((input) => transform(input));
    } else {
      const inputs = t.getInputs().flatMap((input) => transform(input));
      addPhysicalNode(t, inputs);
      result = [{ nodeId: t.id, shipStrategy: undefined, partitioner: undefined }];
    }
    resolved.set(t.id, result);
    return result;
  };

  const addPhysicalNode = (t: Transformation, inputs: ResolvedInput[]): void => {
    const parallelism = t.parallelism > 0 ? t.parallelism : settings.parallelism;
    const maxParallelism =
      t.maxParallelism > 0
        ? t.maxParallelism
        : settings.maxParallelism > 0
          ? settings.maxParallelism
          : computeDefaultMaxParallelism(parallelism);
    if (parallelism > maxParallelism) {
      throw new InvalidProgramError(
        `'${t.name}' has parallelism ${parallelism} above its max parallelism ${maxParallelism}; raise the max parallelism`,
      );
    }
    let operatorId: string;
    if (t.uid !== undefined) {
      const other = uids.get(t.uid);
      if (other !== undefined) {
        throw new InvalidProgramError(`uid '${t.uid}' is used by both '${other}' and '${t.name}'; uids must be unique`);
      }
      uids.set(t.uid, t.name);
      operatorId = stableId('uid', t.uid);
    } else {
      operatorId = stableId('auto', t.id, ...inputs.map((i) => graph.getNode(i.nodeId).operatorId));
    }
    const inputGroups = new Set(inputs.map((i) => graph.getNode(i.nodeId).slotSharingGroup));
    const slotSharingGroup =
      t.slotSharingGroup ?? (inputGroups.size === 1 ? [...inputGroups][0]! : DEFAULT_SLOT_SHARING_GROUP);

    let payload: NodePayload;
    let kind: 'source' | 'operator' | 'sink';
    let name: string;
    let isCollect = false;
    if (t instanceof SourceTransformation) {
      const source = t.source;
      const strategy = t.watermarkStrategy;
      payload = { createOperator: () => new SourceOperator(source, strategy), source };
      kind = 'source';
      name = `Source: ${t.name}`;
    } else if (t instanceof OneInputTransformation) {
      payload =
        t.stateKeySelector === undefined
          ? { createOperator: t.operatorFactory }
          : { createOperator: t.operatorFactory, stateKeySelector: t.stateKeySelector as (v: unknown) => unknown };
      kind = t.kind;
      name = t.kind === 'sink' ? `Sink: ${t.name}` : t.name;
      isCollect = t.isCollect;
    } else if (t instanceof TwoInputTransformation) {
      payload = {
        createOperator: t.operatorFactory,
        ...(t.stateKeySelector1 === undefined ? {} : { stateKeySelector: t.stateKeySelector1 as (v: unknown) => unknown }),
        ...(t.stateKeySelector2 === undefined ? {} : { stateKeySelector2: t.stateKeySelector2 as (v: unknown) => unknown }),
      };
      kind = 'operator';
      name = t.name;
    } else {
      throw new InvalidProgramError(`unsupported transformation ${t.constructor.name}`);
    }

    graph.addNode({
      id: t.id,
      operatorId,
      uid: t.uid,
      name,
      kind,
      parallelism,
      maxParallelism,
      slotSharingGroup,
      chainingStrategy: t.chainingStrategy,
      isCollect,
      inEdges: [],
      outEdges: [],
      payload,
    });

    for (const input of inputs) {
      const upstream = graph.getNode(input.nodeId);
      let ship = input.shipStrategy;
      if (ship === undefined) ship = upstream.parallelism === parallelism ? 'FORWARD' : 'REBALANCE';
      if (ship === 'FORWARD' && upstream.parallelism !== parallelism) {
        throw new InvalidProgramError(
          `Forward partitioning does not allow change of parallelism. Upstream operation: ${upstream.name} ` +
            `parallelism: ${upstream.parallelism}, downstream operation: ${name} parallelism: ${parallelism}. ` +
            `Use another partitioning strategy, such as broadcast, rebalance, shuffle or global.`,
        );
      }
      const edge: StreamEdge = {
        id: `${upstream.operatorId}:${operatorId}:${upstream.outEdges.length}`,
        sourceId: upstream.id,
        targetId: t.id,
        shipStrategy: ship,
        partitioner: input.partitioner,
        typeNumber: input.typeNumber ?? 0,
        ...(input.outputTag === undefined ? {} : { outputTag: input.outputTag }),
      };
      graph.addEdge(edge);
    }
  };

  for (const t of transformations) transform(t);
  return graph;
}
