// Rolling reduce on a keyed stream: keeps one value per key in keyed state and emits the new value for every input.

import type { ValueState } from '../../state/state.ts';
import { ValueStateDescriptor } from '../../state/value-state-descriptor.ts';
import { toReducer, type ReduceFunction } from '../functions.ts';
import { AbstractUdfStreamOperator } from './stream-operator.ts';

/** Flink's state name for a rolling reduce. */
const STATE_NAME = '_op_state';

export class StreamGroupedReduce<T> extends AbstractUdfStreamOperator<T, T, ReduceFunction<T>> {
  readonly #reduce: (a: T, b: T) => T;
  #values!: ValueState<T>;

  constructor(fn: ReduceFunction<T>) {
    super(fn);
    this.#reduce = toReducer(fn);
  }

  override async open(): Promise<void> {
    await super.open();
    this.#values = this.getKeyedStateBackend().getPartitionedState(new ValueStateDescriptor<T>(STATE_NAME));
  }

  processElement(value: T, timestamp: number): void {
    const current = this.#values.value();
    const next = current === undefined ? value : this.#reduce(current, value);
    this.#values.update(next);
    this.output.collect(next, timestamp);
  }
}
