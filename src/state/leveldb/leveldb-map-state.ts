// MapState on LevelDB: a CanonicalMap per (key, namespace) in the cache, stored as its [key, value] pairs.

import { CanonicalMap } from '../canonical-map.ts';
import type { MapState } from '../state.ts';
import { AbstractLevelDBState } from './abstract-leveldb-state.ts';
import type { CacheEntry } from './leveldb-state-table.ts';

const NO_ENTRIES: readonly never[] = Object.freeze([]);

/**
 * LevelDB implementation of MapState. The map of a (key, namespace) is one LevelDB value (the time to live
 * applies to the whole map, as on the heap); a change rewrites it at the next flush.
 */
export class LevelDBMapState<K, V> extends AbstractLevelDBState<CanonicalMap<K, V>> implements MapState<K, V> {
  get(key: K): V | undefined {
    return this.#read()?.get(key);
  }

  put(key: K, value: V): void {
    const entry = this.#writable();
    (entry.value as CanonicalMap<K, V>).set(key, value);
    this.touched(entry);
    this.afterAccess();
  }

  putAll(entries: Iterable<readonly [K, V]> | ReadonlyMap<K, V>): void {
    const pairs = [...entries] as (readonly [K, V])[];
    if (pairs.length === 0) return;
    const entry = this.#writable();
    const map = entry.value as CanonicalMap<K, V>;
    for (const [k, v] of pairs) map.set(k, v);
    this.touched(entry);
    this.afterAccess();
  }

  remove(key: K): void {
    const entry = this.liveEntry();
    if (entry.value !== undefined) {
      const map = entry.value as CanonicalMap<K, V>;
      map.delete(key);
      if (map.size === 0) this.clear();
      else this.touched(entry);
    }
    this.afterAccess();
  }

  contains(key: K): boolean {
    return this.#read()?.has(key) ?? false;
  }

  entries(): IterableIterator<[K, V]> {
    return (this.#read() ?? new CanonicalMap<K, V>()).entries();
  }

  keys(): IterableIterator<K> {
    return (this.#read() ?? new CanonicalMap<K, V>()).keys();
  }

  values(): IterableIterator<V> {
    return this.#read()?.values() ?? NO_ENTRIES.values();
  }

  isEmpty(): boolean {
    const map = this.#read();
    return map === undefined || map.size === 0;
  }

  #read(): CanonicalMap<K, V> | undefined {
    const map = this.readValue();
    this.afterAccess();
    return map;
  }

  /** The current entry, holding a map (a new, empty one if there was none). */
  #writable(): CacheEntry {
    const entry = this.liveEntry();
    if (entry.value === undefined) this.writeEntry(entry, new CanonicalMap<K, V>());
    return entry;
  }
}
