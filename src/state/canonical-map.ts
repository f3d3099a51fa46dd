// The map of one MapState entry: user keys compared by value (composite keys by their canonical form).

import { canonicalKey } from './key-group.ts';

/** A Map whose keys compare as stream keys do; remembers the original form of composite keys. */
export class CanonicalMap<K, V> {
  readonly #values = new Map<unknown, V>();
  /** Original keys, only for keys whose canonical form differs from them (composite keys). */
  readonly #originals = new Map<unknown, K>();

  /** Builds a map from `[key, value]` pairs (the snapshot form). */
  static fromPairs<K, V>(pairs: Iterable<readonly [K, V]>): CanonicalMap<K, V> {
    const map = new CanonicalMap<K, V>();
    for (const [k, v] of pairs) map.set(k, v);
    return map;
  }

  get size(): number {
    return this.#values.size;
  }

  get(key: K): V | undefined {
    return this.#values.get(canonicalKey(key));
  }

  has(key: K): boolean {
    return this.#values.has(canonicalKey(key));
  }

  set(key: K, value: V): void {
    const c = canonicalKey(key);
    if (c !== (key as unknown)) this.#originals.set(c, key);
    this.#values.set(c, value);
  }

  delete(key: K): void {
    const c = canonicalKey(key);
    this.#values.delete(c);
    this.#originals.delete(c);
  }

  *entries(): IterableIterator<[K, V]> {
    for (const [c, v] of this.#values) yield [this.#original(c), v];
  }

  *keys(): IterableIterator<K> {
    for (const c of this.#values.keys()) yield this.#original(c);
  }

  values(): IterableIterator<V> {
    return this.#values.values();
  }

  /** The contents as `[key, value]` pairs: the plain-data snapshot form. */
  toPairs(): [K, V][] {
    return [...this.entries()];
  }

  #original(c: unknown): K {
    const original = this.#originals.get(c);
    return original === undefined ? (c as K) : original;
  }
}
