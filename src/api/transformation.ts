// Transformations: what each DataStream call records. The StreamGraphGenerator turns them into a StreamGraph.

import { IllegalArgumentError } from '../core/errors.ts';
import type { ChainingStrategy, ShipStrategy } from '../graph/stream-graph.ts';
import type { AbstractStreamOperator } from './operators/stream-operator.ts';
import type { Source } from './source.ts';
import type { WatermarkStrategy } from './watermark-strategy.ts';

export type OperatorFactory = () => AbstractStreamOperator<unknown>;

export abstract class Transformation<T = unknown> {
  declare readonly __type?: T;
  name: string;
  uid: string | undefined;
  /** -1 until set; resolved to the environment's parallelism when the graph is generated. */
  parallelism = -1;
  maxParallelism = -1;
  slotSharingGroup: string | undefined;
  chainingStrategy: ChainingStrategy = 'ALWAYS';

  constructor(
    readonly id: number,
    name: string,
  ) {
    this.name = name;
  }

  abstract getInputs(): Transformation[];

  setParallelism(parallelism: number): void {
    if (!Number.isInteger(parallelism) || parallelism < 1) {
      throw new IllegalArgumentError(`parallelism of '${this.name}' must be a whole number >= 1, got ${parallelism}`);
    }
    this.parallelism = parallelism;
  }

  setMaxParallelism(maxParallelism: number): void {
    if (!Number.isInteger(maxParallelism) || maxParallelism < 1 || maxParallelism > 32768) {
      throw new IllegalArgumentError(
        `max parallelism of '${this.name}' must be a whole number from 1 to 32768, got ${maxParallelism}`,
      );
    }
    this.maxParallelism = maxParallelism;
  }
}

export class SourceTransformation<T> extends Transformation<T> {
  override chainingStrategy: ChainingStrategy = 'HEAD';
  constructor(
    id: number,
    name: string,
    readonly source: Source<T>,
    readonly watermarkStrategy: WatermarkStrategy<T>,
    /** Non-parallel sources (fromElements, fromCollection) run with parallelism 1 only. */
    readonly nonParallel: boolean,
  ) {
    super(id, name);
    if (nonParallel) this.parallelism = 1;
  }
  getInputs(): Transformation[] {
    return [];
  }
  override setParallelism(parallelism: number): void {
    if (this.nonParallel && parallelism !== 1) {
      throw new IllegalArgumentError(`'${this.name}' is a non-parallel source: its parallelism must be 1, got ${parallelism}`);
    }
    super.setParallelism(parallelism);
  }
}

export class OneInputTransformation<IN, OUT> extends Transformation<OUT> {
  constructor(
    id: number,
    name: string,
    readonly input: Transformation<IN>,
    readonly operatorFactory: OperatorFactory,
    readonly kind: 'operator' | 'sink' = 'operator',
    /** Set when the input is keyed: the operator's keyed state and timers are scoped by this key. */
    readonly stateKeySelector: ((value: IN) => unknown) | undefined = undefined,
    readonly isCollect = false,
  ) {
    super(id, name);
  }
  getInputs(): Transformation[] {
    return [this.input];
  }
}

/** An operator with two inputs (connect, joins); keyed when both key selectors are set. */
export class TwoInputTransformation<IN1, IN2, OUT> extends Transformation<OUT> {
  constructor(
    id: number,
    name: string,
    readonly input1: Transformation<IN1>,
    readonly input2: Transformation<IN2>,
    readonly operatorFactory: OperatorFactory,
    readonly stateKeySelector1: ((value: IN1) => unknown) | undefined = undefined,
    readonly stateKeySelector2: ((value: IN2) => unknown) | undefined = undefined,
  ) {
    super(id, name);
  }
  getInputs(): Transformation[] {
    return [this.input1, this.input2];
  }
}

/** A virtual transformation: the side output named `tag` of its input's operator. */
export class SideOutputTransformation<T> extends Transformation<T> {
  constructor(
    id: number,
    readonly input: Transformation,
    readonly tag: string,
  ) {
    super(id, `SideOutput (${tag})`);
  }
  getInputs(): Transformation[] {
    return [this.input];
  }
}

/** A virtual transformation: changes how records are distributed to the next operator, runs nothing. */
export class PartitionTransformation<T> extends Transformation<T> {
  constructor(
    id: number,
    readonly input: Transformation<T>,
    readonly shipStrategy: ShipStrategy,
    /** Key selector (HASH) or { partition, key } (CUSTOM). */
    readonly partitioner: unknown = undefined,
  ) {
    super(id, `Partition (${shipStrategy})`);
  }
  getInputs(): Transformation[] {
    return [this.input];
  }
}

/** A virtual transformation: the next operator reads all inputs as one stream. */
export class UnionTransformation<T> extends Transformation<T> {
  constructor(
    id: number,
    readonly inputs: Transformation<T>[],
  ) {
    super(id, 'Union');
  }
  getInputs(): Transformation[] {
    return this.inputs;
  }
}

/** What the runtime needs of a stream node: how to make its operator, and for sources, how to split the work. */
export interface NodePayload {
  readonly createOperator: OperatorFactory;
  readonly source?: Source<unknown>;
  readonly stateKeySelector?: (value: unknown) => unknown;
  /** The second input's key selector of a keyed two-input operator. */
  readonly stateKeySelector2?: (value: unknown) => unknown;
}
