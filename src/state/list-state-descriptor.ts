// Descriptor of a ListState: a list of values per key.

import { StateDescriptor } from './state-descriptor.ts';
import type { ListState } from './state.ts';

/** Describes a `ListState<T>`. */
export class ListStateDescriptor<T> extends StateDescriptor<ListState<T>> {
  readonly kind = 'list' as const;
}
