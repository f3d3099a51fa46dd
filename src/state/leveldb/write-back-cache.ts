// The write-back cache in front of LevelDB: synchronous reads (getSync on a miss), dirty entries flushed in batches.

import { IllegalArgumentError } from '../../core/errors.ts';
import type { Clock } from '../../core/clock.ts';
import type { Key } from '../key-group.ts';
import type { CanonicalKey } from '../key-context.ts';
import type { Namespace } from '../state.ts';
import { encodeStateKey } from './key-codec.ts';
import { KeyPresenceFilter } from './key-presence-filter.ts';
import type { LevelDBStore } from './leveldb-store.ts';
import type { ChangeSet } from './incremental-checkpoint-chain.ts';
import { CacheEntry, type LevelDBStateTable } from './leveldb-state-table.ts';
import type { ValueCodec } from './value-codec.ts';

/** Bounds of the write-back cache. */
export interface WriteBackCacheOptions {
  /** Cached entries (clean, dirty and known-absent) before eviction starts; default 100 000. */
  readonly maxEntries?: number;
  /** Estimated bytes of cached entries before eviction starts; default 64 MiB. */
  readonly maxBytes?: number;
  /**
   * Dirty entries that trigger a flush between records (one write batch of all of them); default a quarter of
   * `maxEntries`. Higher lets repeated updates of a key coalesce into one write; lower makes the synchronous part
   * of a checkpoint (encoding the dirty entries) shorter.
   */
  readonly maxDirtyEntries?: number;
}

/** Rough per-entry overhead (entry object, map slots) added to the encoded size for the byte bound. */
const ENTRY_OVERHEAD = 120;
/** An eviction round frees entries down to this fraction of the bounds, so rounds are not per record. */
const LOW_WATER = 0.9;

/**
 * Per record the cache costs what the heap backend costs on a hit (a Map lookup); a miss reads LevelDB with
 * `getSync` and remembers the answer, absent included. Writes only mark entries dirty. Between records (on key
 * selection) the backend calls `maintain()`: when `maxDirtyEntries` entries are dirty they are encoded into one
 * LevelDB batch whose write is dispatched without waiting; when the cache is over its bounds, a CLOCK sweep
 * (second chance for entries used since the last sweep) evicts clean entries whose write has completed, and
 * flushes the dirty ones if that was not enough.
 *
 * Reads always see the latest write: an entry stays cached while its value is dirty or its batch is in flight,
 * so a miss can only concern a key whose latest value LevelDB already holds. The cache is thus allowed to exceed
 * its bounds while writes are in flight; `flush()` on the backend waits for them.
 */
export class WriteBackCache {
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly maxDirtyEntries: number;
  /** Entries in CLOCK order (insertion order; a second-chance entry is moved to the back). */
  readonly #all = new Set<CacheEntry>();
  #dirty: CacheEntry[] = [];
  #bytes = 0;
  /** Stored entries over all states (cached, in flight and in LevelDB), expired ones not yet removed included. */
  count = 0;
  /** Every key LevelDB may hold: a miss on any other key needs no LevelDB read. */
  readonly #presence = new KeyPresenceFilter();
  /** LevelDB reads as empty until this write (a clear) has completed. */
  #emptyUntilSeq = 0;
  /** Eviction found nothing to evict: retry once this write has completed. */
  #evictionBlockedUntilSeq = -1;
  /**
   * Entries flushed since the last `takeChanges()`, when tracking changes for incremental snapshots: an entry is
   * pushed once per segment (its latest flushed bytes are in `entry.flushed`); an evicted and reloaded key is
   * pushed again as its new entry, and the checkpoint writer keeps the later one, off the per-record path.
   */
  #changes: CacheEntry[] | undefined;
  /** Where incremental TTL cleanup visits are reported, to reach entries only LevelDB holds. */
  cleanupSweeper: { earn(visits: number): void } | undefined;
  /** Numbers the change sets: an entry remembers the one its key is in. */
  #segment = 1;

  constructor(
    readonly store: LevelDBStore,
    readonly codec: ValueCodec,
    readonly clock: Clock,
    options: WriteBackCacheOptions = {},
  ) {
    this.maxEntries = positive('maxEntries', options.maxEntries ?? 100_000);
    this.maxBytes = positive('maxBytes', options.maxBytes ?? 64 * 1024 * 1024);
    this.maxDirtyEntries = positive('maxDirtyEntries', options.maxDirtyEntries ?? Math.max(1, Math.floor(this.maxEntries / 4)));
  }

  /** Cached entries now. */
  get size(): number {
    return this.#all.size;
  }

  /** Dirty entries not yet in a write batch. */
  get dirtyCount(): number {
    return this.#dirty.length;
  }

  /** Estimated bytes of the cached entries. */
  get bytes(): number {
    return this.#bytes;
  }

  /** The cached entry of (state, key, namespace), read from LevelDB on a miss; never undefined. */
  lookup(
    table: LevelDBStateTable,
    key: Key,
    canonicalKey: CanonicalKey,
    keyGroup: number,
    namespace: Namespace,
    namespaceKey: CanonicalKey | undefined,
  ): CacheEntry {
    const cached = table.get(keyGroup, canonicalKey, namespaceKey);
    if (cached !== undefined) {
      cached.ref = true;
      return cached;
    }
    let value: unknown = undefined;
    let timestamp = 0;
    let size = 0;
    const dbKey = encodeStateKey(keyGroup, table.id, canonicalKey, namespaceKey);
    if (this.store.completedSeq >= this.#emptyUntilSeq && this.#presence.mayContain(dbKey)) {
      const bytes = this.store.getSync(dbKey);
      if (bytes !== undefined) {
        const decoded = this.codec.decode(bytes);
        value = table.fromStored(decoded.data);
        // Written without TTL but read by a TTL state: its time to live starts now (as a heap restore does).
        timestamp = decoded.timestamp ?? (table.ttl === undefined ? 0 : this.clock.now());
        size = bytes.length;
      }
    }
    const entry = new CacheEntry(table, key, canonicalKey, namespace, namespaceKey, keyGroup, value, timestamp, size);
    entry.dbKey = dbKey;
    table.add(entry);
    this.#all.add(entry);
    this.#bytes += size + ENTRY_OVERHEAD;
    return entry;
  }

  /** Sets an entry's value (`undefined` removes it) and TTL timestamp, counting entries that appear or go. */
  setValue(entry: CacheEntry, value: unknown, timestamp: number): void {
    if (entry.value === undefined) {
      if (value !== undefined) this.count++;
    } else if (value === undefined) this.count--;
    entry.value = value;
    entry.timestamp = timestamp;
    this.markDirty(entry);
  }

  /** Marks an entry changed in place (list append, map put, accumulator update, TTL restart). */
  markDirty(entry: CacheEntry): void {
    if (!entry.dirty) {
      entry.dirty = true;
      this.#dirty.push(entry);
    }
  }

  /** Between records: dispatches a full write batch, evicts when over the bounds. */
  maintain(): void {
    if (this.#dirty.length >= this.maxDirtyEntries) this.dispatchFlush();
    if ((this.#all.size > this.maxEntries || this.#bytes > this.maxBytes) && this.store.completedSeq >= this.#evictionBlockedUntilSeq) {
      this.evict();
    }
  }

  /**
   * Encodes every dirty entry into one write batch and dispatches it (the write runs on LevelDB's thread; nothing
   * waits for it here). Returns the batch's sequence number, or the last dispatched one when nothing was dirty.
   */
  dispatchFlush(): number {
    this.store.checkHealthy(); // a failed write fails the task here, between records
    const dirty = this.#dirty;
    if (dirty.length === 0) return this.store.dispatchedSeq;
    this.#dirty = [];
    const batch = this.store.newBatch();
    const seq = this.store.dispatchedSeq + 1;
    const changes = this.#changes;
    const segment = this.#segment;
    for (let i = 0; i < dirty.length; i++) {
      const e = dirty[i]!;
      if (e.evicted) continue; // dropped by dispose()
      e.dirty = false;
      e.writeSeq = seq;
      const table = e.table;
      const key = (e.dbKey ??= encodeStateKey(e.keyGroup, table.id, e.canonicalKey, e.namespaceKey));
      if (e.value === undefined) {
        batch.del(key);
        e.flushed = undefined;
      } else {
        const originals = typeof e.key === 'object' || (e.namespace !== null && typeof e.namespace === 'object') ? ([e.key, e.namespace] as const) : undefined;
        const bytes = this.codec.encode(table.toStored(e.value), table.ttl === undefined ? undefined : e.timestamp, originals);
        this.#bytes += bytes.length - e.size;
        e.size = bytes.length;
        batch.put(key, bytes);
        this.#presence.add(key);
        if (changes !== undefined) e.flushed = bytes;
      }
      if (changes !== undefined && e.segment !== segment) {
        changes.push(e);
        e.segment = segment; // a hot key is recorded once per segment, not at every flush
      }
    }
    return this.store.write(batch);
  }

  /**
   * Evicts clean, written entries (CLOCK order) until the cache is below its low-water marks. When that is not
   * enough, the dirty entries are flushed so that they can go once written.
   */
  evict(): void {
    const all = this.#all;
    const targetEntries = Math.floor(this.maxEntries * LOW_WATER);
    const targetBytes = Math.floor(this.maxBytes * LOW_WATER);
    const completed = this.store.completedSeq;
    let budget = 2 * all.size + 16;
    for (const e of all) {
      if ((all.size <= targetEntries && this.#bytes <= targetBytes) || --budget < 0) break;
      if (e.ref) {
        e.ref = false;
        all.delete(e);
        all.add(e);
        continue;
      }
      if (e.dirty || e.writeSeq > completed) continue;
      all.delete(e);
      e.table.delete(e);
      e.evicted = true;
      this.#bytes -= e.size + ENTRY_OVERHEAD;
    }
    if (all.size > this.maxEntries || this.#bytes > this.maxBytes) {
      // What is left waits for writes: do not sweep again before they have completed.
      this.#evictionBlockedUntilSeq = this.dispatchFlush();
    } else this.#evictionBlockedUntilSeq = -1;
  }

  /** Drops every cached entry without writing it (the entries must be clean, or about to be dropped). */
  dropAll(): void {
    const tables = new Set<LevelDBStateTable>();
    for (const e of this.#all) {
      e.evicted = true;
      tables.add(e.table);
    }
    for (const table of tables) table.clear(); // once per table: clearing is per key group, not per entry
    this.#all.clear();
    this.#dirty = [];
    this.#bytes = 0;
  }

  /** Drops all state: the cache now, LevelDB's entries by a queued clear (reads see nothing meanwhile). */
  clearAll(): void {
    this.dropAll();
    this.count = 0;
    this.#presence.clear();
    if (this.#changes !== undefined) this.#changes = [];
    this.#emptyUntilSeq = this.store.clear();
  }

  /** A key written straight into LevelDB (restore), bypassing the cache. */
  writtenToStore(key: Uint8Array): void {
    this.#presence.add(key);
  }

  /** After a bulk load straight into LevelDB (restore): it holds `count` entries. */
  loadedIntoStore(count: number): void {
    this.count = count;
  }

  /** Starts (or stops) remembering which LevelDB keys each flush writes. */
  trackChanges(enabled: boolean): void {
    this.#changes = enabled ? (this.#changes ?? []) : undefined;
  }

  /**
   * The LevelDB entries flushed since the last call, each key with the bytes it was last flushed with (a key may
   * repeat, see `ChangeSet`), and starts a new segment. Captured now: later flushes do not change the result.
   */
  takeChanges(): ChangeSet {
    const changes = this.#changes ?? [];
    if (this.#changes !== undefined) this.#changes = [];
    this.#segment++;
    const keys = new Array<Buffer>(changes.length);
    const values = new Array<Buffer | undefined>(changes.length);
    for (let i = 0; i < changes.length; i++) {
      const e = changes[i]!;
      keys[i] = e.dbKey!;
      values[i] = e.flushed;
      e.flushed = undefined; // the change set holds it now; a later flush sets it again (cached entries keep no bytes)
    }
    return { keys, values };
  }
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new IllegalArgumentError(`the LevelDB write-back cache option ${name} must be an integer >= 1, got ${value}`);
  }
  return value;
}
