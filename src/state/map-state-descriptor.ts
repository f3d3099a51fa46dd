// Descriptor of a MapState: a map of user keys to values per key.

import { StateDescriptor } from './state-descriptor.ts';
import type { MapState } from './state.ts';

/** Describes a `MapState<K, V>`; user keys may be of any type a stream key may be. */
export class MapStateDescriptor<K, V> extends StateDescriptor<MapState<K, V>> {
  readonly kind = 'map' as const;
}
