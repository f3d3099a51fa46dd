// One stored state value: the (key, namespace) it belongs to, the value, and its last-access time for TTL.

import type { Key } from './key-group.ts';
import type { CanonicalKey } from './key-context.ts';
import type { Namespace } from './state.ts';

/** A state value with what it is stored under; mutated in place on update so a write costs one map lookup. */
export class StateEntry<V> {
  constructor(
    readonly key: Key,
    readonly canonicalKey: CanonicalKey,
    readonly namespace: Namespace,
    /** `canonicalKey(namespace)`, or undefined for the void namespace. */
    readonly namespaceKey: CanonicalKey | undefined,
    /** Index of the key group within the backend's range. */
    readonly keyGroupIndex: number,
    public value: V,
    /** When the time to live last restarted (processing time, ms); 0 when the state has no TTL. */
    public timestamp: number,
  ) {}
}
