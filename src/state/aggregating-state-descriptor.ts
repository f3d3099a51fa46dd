// Descriptor of an AggregatingState: values folded into an accumulator by an AggregateFunction per key.

import { IllegalArgumentError } from '../core/errors.ts';
import type { AggregateFunction } from './aggregate-function.ts';
import { StateDescriptor } from './state-descriptor.ts';
import type { AggregatingState } from './state.ts';

/** Describes an `AggregatingState<IN, OUT>` whose accumulators are of type `ACC`. */
export class AggregatingStateDescriptor<IN, ACC, OUT> extends StateDescriptor<AggregatingState<IN, OUT>> {
  readonly kind = 'aggregating' as const;

  constructor(
    name: string,
    readonly aggregateFunction: AggregateFunction<IN, ACC, OUT>,
  ) {
    super(name);
    for (const method of ['createAccumulator', 'add', 'getResult', 'merge'] as const) {
      if (typeof aggregateFunction?.[method] !== 'function') {
        throw new IllegalArgumentError(`AggregatingStateDescriptor '${name}': the aggregate function has no ${method}()`);
      }
    }
  }
}
