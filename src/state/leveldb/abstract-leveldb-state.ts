// What every LevelDB state object shares: the current (key, namespace) entry through the cache, TTL, cleanup, merging.

import type { Clock } from '../../core/clock.ts';
import { IllegalStateError } from '../../core/errors.ts';
import { canonicalKey } from '../key-group.ts';
import type { CanonicalKey, KeyContext } from '../key-context.ts';
import { StateVisibility, UpdateType } from '../state-ttl-config.ts';
import type { InternalKvState, Namespace } from '../state.ts';
import type { CacheEntry, LevelDBStateTable } from './leveldb-state-table.ts';
import type { WriteBackCache } from './write-back-cache.ts';

/**
 * Base of the LevelDB state objects: one per (backend, state name), acting on the key context's current key and
 * this object's current namespace, with the heap backend's semantics (TTL visibility and update type, incremental
 * cleanup, namespace merging). Values live in the write-back cache; every change marks the entry dirty.
 */
export abstract class AbstractLevelDBState<V> implements InternalKvState {
  #namespace: Namespace = null;
  #namespaceKey: CanonicalKey | undefined = undefined;
  #cachedEntry: CacheEntry | undefined = undefined;
  #cachedEpoch = -1;
  #cachedNamespaceKey: CanonicalKey | undefined = undefined;

  constructor(
    protected readonly table: LevelDBStateTable,
    protected readonly cache: WriteBackCache,
    protected readonly keyContext: KeyContext,
    protected readonly clock: Clock,
  ) {}

  setCurrentNamespace(namespace: Namespace): void {
    this.#namespace = namespace;
    this.#namespaceKey = namespace === null ? undefined : canonicalKey(namespace);
  }

  getCurrentNamespace(): Namespace {
    return this.#namespace;
  }

  clear(): void {
    const entry = this.#lookup();
    if (entry.value !== undefined) this.cache.setValue(entry, undefined, 0);
    this.afterAccess();
  }

  /**
   * The current value for a read. An expired value is removed; it is returned (once) only with
   * ReturnExpiredIfNotCleanedUp. With OnReadAndWrite a live value's time to live restarts.
   */
  protected readValue(): V | undefined {
    const entry = this.#lookup();
    const value = entry.value as V | undefined;
    const ttl = this.table.ttl;
    if (value === undefined || ttl === undefined) return value;
    const now = this.clock.now();
    if (entry.timestamp + ttl.ttlMs <= now) {
      this.cache.setValue(entry, undefined, 0);
      return ttl.stateVisibility === StateVisibility.ReturnExpiredIfNotCleanedUp ? value : undefined;
    }
    if (ttl.updateType === UpdateType.OnReadAndWrite) {
      entry.timestamp = now;
      this.cache.markDirty(entry);
    }
    return value;
  }

  /** The current entry for a write; its value is undefined when absent or expired (an expired one is removed). */
  protected liveEntry(): CacheEntry {
    const entry = this.#lookup();
    const ttl = this.table.ttl;
    if (entry.value !== undefined && ttl !== undefined && entry.timestamp + ttl.ttlMs <= this.clock.now()) {
      this.cache.setValue(entry, undefined, 0);
    }
    return entry;
  }

  /** Sets the current value (creating the entry if needed) and restarts its time to live. */
  protected write(value: V): void {
    this.writeEntry(this.#lookup(), value);
  }

  /** Sets `entry`'s value and restarts its time to live. */
  protected writeEntry(entry: CacheEntry, value: V): void {
    this.cache.setValue(entry, value, this.table.ttl === undefined ? 0 : this.clock.now());
  }

  /** Records an in-place update of `entry`'s value (and restarts its time to live). */
  protected touched(entry: CacheEntry): void {
    if (this.table.ttl !== undefined) entry.timestamp = this.clock.now();
    this.cache.markDirty(entry);
  }

  /** Runs incremental TTL cleanup over cached entries, if configured; called once per state access. */
  protected afterAccess(): void {
    const ttl = this.table.ttl;
    if (ttl !== undefined && ttl.incrementalCleanupSize > 0) cleanupCachedIncrementally(this.table, this.cache, ttl.incrementalCleanupSize, this.clock.now());
  }

  /**
   * Moves the values of the current key in `sources` into `target`, combining with `combine` (merging windows).
   * Expired sources are dropped.
   */
  protected mergeInto(target: Namespace, sources: Iterable<Namespace>, combine: (a: V, b: V) => V): void {
    const saved = this.#namespace;
    try {
      let merged: V | undefined;
      let any = false;
      for (const source of sources) {
        this.setCurrentNamespace(source);
        const entry = this.liveEntry();
        if (entry.value === undefined) continue;
        const value = entry.value as V;
        this.cache.setValue(entry, undefined, 0);
        merged = any ? combine(merged as V, value) : value;
        any = true;
      }
      if (!any) return;
      this.setCurrentNamespace(target);
      const existing = this.liveEntry();
      this.writeEntry(existing, existing.value === undefined ? (merged as V) : combine(existing.value as V, merged as V));
    } finally {
      this.setCurrentNamespace(saved);
      this.afterAccess();
    }
  }

  #lookup(): CacheEntry {
    const ctx = this.keyContext;
    const cached = this.#cachedEntry;
    // value() then update() for one record look the entry up once.
    if (cached !== undefined && this.#cachedEpoch === ctx.epoch && this.#cachedNamespaceKey === this.#namespaceKey && !cached.evicted) {
      cached.ref = true;
      return cached;
    }
    if (ctx.currentKeyGroupIndex < 0) {
      throw new IllegalStateError(
        `state '${this.table.name}' was used with no current key: call setCurrentKey(key) on the backend first ` +
          `(keyed state exists only on a keyed stream, inside processing of a record or timer).`,
      );
    }
    const entry = this.cache.lookup(this.table, ctx.currentKey!, ctx.currentCanonicalKey, ctx.currentKeyGroup, this.#namespace, this.#namespaceKey);
    this.#cachedEntry = entry;
    this.#cachedEpoch = ctx.epoch;
    this.#cachedNamespaceKey = this.#namespaceKey;
    return entry;
  }
}

/**
 * Flink's incremental TTL cleanup over the cached entries of `table`: visits up to `count` of them, resuming where
 * the last visit stopped and wrapping around, and removes the expired ones. The visits are also credited to the
 * cache's `cleanupSweeper`, which does the same for entries only LevelDB holds.
 */
export function cleanupCachedIncrementally(table: LevelDBStateTable, cache: WriteBackCache, count: number, now: number): void {
  const ttl = table.ttl;
  if (ttl === undefined) return;
  for (let visited = 0; visited < count; visited++) {
    table.cleanupCursor ??= table.entries();
    let next = table.cleanupCursor.next();
    if (next.done === true) {
      table.cleanupCursor = table.entries();
      next = table.cleanupCursor.next();
      if (next.done === true) return;
    }
    const e = next.value;
    if (e.value !== undefined && e.timestamp + ttl.ttlMs <= now) cache.setValue(e, undefined, 0);
  }
  cache.cleanupSweeper?.earn(count);
}
