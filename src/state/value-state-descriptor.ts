// Descriptor of a ValueState: one value per key, with an optional default.

import { StateDescriptor } from './state-descriptor.ts';
import type { ValueState } from './state.ts';

/**
 * Describes a `ValueState<T>`.
 *
 * @example
 * const count = ctx.getState(new ValueStateDescriptor<number>('count', 0));
 * count.update((count.value() ?? 0) + 1);
 */
export class ValueStateDescriptor<T> extends StateDescriptor<ValueState<T>> {
  readonly kind = 'value' as const;

  /** @param defaultValue returned by `value()` when the key has no value (shared: keep it immutable). */
  constructor(
    name: string,
    readonly defaultValue?: T,
  ) {
    super(name);
  }
}
