// Descriptor of a ReducingState: values folded by a ReduceFunction per key.

import { IllegalArgumentError } from '../core/errors.ts';
import type { ReduceFunction } from './aggregate-function.ts';
import { StateDescriptor } from './state-descriptor.ts';
import type { ReducingState } from './state.ts';

/** Describes a `ReducingState<T>` folded with `reduceFunction`. */
export class ReducingStateDescriptor<T> extends StateDescriptor<ReducingState<T>> {
  readonly kind = 'reducing' as const;

  constructor(
    name: string,
    readonly reduceFunction: ReduceFunction<T>,
  ) {
    super(name);
    if (typeof reduceFunction !== 'function') {
      throw new IllegalArgumentError(`ReducingStateDescriptor '${name}' needs a reduce function, got ${typeof reduceFunction}`);
    }
  }
}
