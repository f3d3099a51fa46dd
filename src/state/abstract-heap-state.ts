// What every heap state object shares: the current (key, namespace) lookup, TTL checks, incremental cleanup.

import { IllegalStateError } from '../core/errors.ts';
import type { Clock } from '../core/clock.ts';
import { canonicalKey } from './key-group.ts';
import type { CanonicalKey, KeyContext } from './key-context.ts';
import { StateEntry } from './state-entry.ts';
import type { StateTable } from './state-table.ts';
import { StateVisibility, UpdateType } from './state-ttl-config.ts';
import type { InternalKvState, Namespace } from './state.ts';

/**
 * Base of the heap state objects. One object per (backend, state name), bound to the backend's KeyContext: every
 * call acts on the context's current key and this object's current namespace.
 */
export abstract class AbstractHeapState<V> implements InternalKvState {
  #namespace: Namespace = null;
  /** `canonicalKey(namespace)`, undefined for the void namespace. */
  #namespaceKey: CanonicalKey | undefined = undefined;
  #cachedEntry: StateEntry<V> | undefined = undefined;
  #cachedEpoch = -1;
  #cachedVersion = -1;
  #cachedNamespaceKey: CanonicalKey | undefined = undefined;

  constructor(
    protected readonly table: StateTable<V>,
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
    const ctx = this.keyContext;
    this.#checkKey(ctx.currentKeyGroupIndex);
    this.table.remove(ctx.currentKeyGroupIndex, ctx.currentCanonicalKey, this.#namespaceKey);
    this.afterAccess();
  }

  /**
   * The current entry for a read. An expired entry is removed; it is returned (once) only with
   * ReturnExpiredIfNotCleanedUp. With OnReadAndWrite a live entry's time to live restarts.
   */
  protected readEntry(): StateEntry<V> | undefined {
    const entry = this.#lookup();
    const ttl = this.table.ttl;
    if (entry === undefined || ttl === undefined) return entry;
    const now = this.clock.now();
    if (entry.timestamp + ttl.ttlMs <= now) {
      this.table.remove(entry.keyGroupIndex, entry.canonicalKey, entry.namespaceKey);
      return ttl.stateVisibility === StateVisibility.ReturnExpiredIfNotCleanedUp ? entry : undefined;
    }
    if (ttl.updateType === UpdateType.OnReadAndWrite) entry.timestamp = now;
    return entry;
  }

  /** The current entry for a write: an expired entry is removed and treated as absent. */
  protected liveEntry(): StateEntry<V> | undefined {
    const entry = this.#lookup();
    const ttl = this.table.ttl;
    if (entry === undefined || ttl === undefined) return entry;
    if (entry.timestamp + ttl.ttlMs <= this.clock.now()) {
      this.table.remove(entry.keyGroupIndex, entry.canonicalKey, entry.namespaceKey);
      return undefined;
    }
    return entry;
  }

  /** Sets the current entry's value (creating the entry if needed) and restarts its time to live. */
  protected write(value: V): void {
    const entry = this.#lookup();
    const ts = this.table.ttl === undefined ? 0 : this.clock.now();
    if (entry !== undefined) {
      entry.value = value;
      entry.timestamp = ts;
    } else {
      this.insert(value, ts);
    }
  }

  /** Restarts the time to live of an entry updated in place. */
  protected touched(entry: StateEntry<V>): void {
    if (this.table.ttl !== undefined) entry.timestamp = this.clock.now();
  }

  /** Creates the current entry. */
  protected insert(value: V, timestamp = this.table.ttl === undefined ? 0 : this.clock.now()): void {
    const ctx = this.keyContext;
    const entry = new StateEntry<V>(
      ctx.currentKey!,
      ctx.currentCanonicalKey,
      this.#namespace,
      this.#namespaceKey,
      ctx.currentKeyGroupIndex,
      value,
      timestamp,
    );
    this.table.insert(entry);
    this.#cache(entry);
  }

  /** Runs incremental TTL cleanup, if configured; called once per state access. */
  protected afterAccess(): void {
    const ttl = this.table.ttl;
    if (ttl !== undefined && ttl.incrementalCleanupSize > 0) {
      this.table.cleanupIncrementally(ttl.incrementalCleanupSize, this.clock.now());
    }
  }

  /**
   * Moves the values of the current key in `sources` into `target`, combining with `combine` (for merging
   * windows). Expired sources are dropped.
   */
  protected mergeInto(target: Namespace, sources: Iterable<Namespace>, combine: (a: V, b: V) => V): void {
    const saved = this.#namespace;
    try {
      let merged: V | undefined;
      let any = false;
      for (const source of sources) {
        this.setCurrentNamespace(source);
        const entry = this.liveEntry();
        if (entry === undefined) continue;
        this.table.remove(entry.keyGroupIndex, entry.canonicalKey, entry.namespaceKey);
        merged = any ? combine(merged as V, entry.value) : entry.value;
        any = true;
      }
      if (!any) return;
      this.setCurrentNamespace(target);
      const existing = this.liveEntry();
      this.write(existing === undefined ? (merged as V) : combine(existing.value, merged as V));
    } finally {
      this.setCurrentNamespace(saved);
      this.afterAccess();
    }
  }

  #lookup(): StateEntry<V> | undefined {
    const ctx = this.keyContext;
    // value() then update() for one record look the entry up once (see `cache`).
    if (
      this.#cachedEntry !== undefined &&
      this.#cachedEpoch === ctx.epoch &&
      this.#cachedVersion === this.table.version &&
      this.#cachedNamespaceKey === this.#namespaceKey
    ) {
      return this.#cachedEntry;
    }
    const index = ctx.currentKeyGroupIndex;
    this.#checkKey(index);
    const entry = this.table.get(index, ctx.currentCanonicalKey, this.#namespaceKey);
    if (entry !== undefined) this.#cache(entry);
    return entry;
  }

  /** Remembers `entry` as the current one until the key, the namespace or the table's set of entries changes. */
  #cache(entry: StateEntry<V>): void {
    this.#cachedEntry = entry;
    this.#cachedEpoch = this.keyContext.epoch;
    this.#cachedVersion = this.table.version;
    this.#cachedNamespaceKey = entry.namespaceKey;
  }

  #checkKey(index: number): void {
    if (index < 0) {
      throw new IllegalStateError(
        `state '${this.table.name}' was used with no current key: call setCurrentKey(key) on the backend first ` +
          `(keyed state exists only on a keyed stream, inside processing of a record or timer).`,
      );
    }
  }
}
