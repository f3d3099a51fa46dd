// MapState on the heap: a CanonicalMap per (key, namespace).

import { AbstractHeapState } from './abstract-heap-state.ts';
import { CanonicalMap } from './canonical-map.ts';
import type { MapState } from './state.ts';

const NO_ENTRIES: readonly never[] = Object.freeze([]);

/** Heap implementation of MapState (the time to live applies to the whole map of a key). */
export class HeapMapState<K, V> extends AbstractHeapState<CanonicalMap<K, V>> implements MapState<K, V> {
  get(key: K): V | undefined {
    const map = this.#read();
    return map?.get(key);
  }

  put(key: K, value: V): void {
    this.#writable().set(key, value);
    this.afterAccess();
  }

  putAll(entries: Iterable<readonly [K, V]> | ReadonlyMap<K, V>): void {
    const pairs = [...entries] as (readonly [K, V])[];
    if (pairs.length === 0) return;
    const map = this.#writable();
    for (const [k, v] of pairs) map.set(k, v);
    this.afterAccess();
  }

  remove(key: K): void {
    const entry = this.liveEntry();
    if (entry !== undefined) {
      entry.value.delete(key);
      if (entry.value.size === 0) this.clear();
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
    const entry = this.readEntry();
    this.afterAccess();
    return entry?.value;
  }

  #writable(): CanonicalMap<K, V> {
    const entry = this.liveEntry();
    if (entry !== undefined) {
      this.touched(entry);
      return entry.value;
    }
    const map = new CanonicalMap<K, V>();
    this.insert(map);
    return map;
  }
}
