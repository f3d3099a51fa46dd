// One keyed state of the LevelDB backend: its id in LevelDB keys, kind, TTL, and its cached entries by key and namespace.

import { CanonicalMap } from '../canonical-map.ts';
import type { Key, KeyGroupRange } from '../key-group.ts';
import type { CanonicalKey } from '../key-context.ts';
import type { StateKind } from '../state-descriptor.ts';
import type { StateTtlConfig } from '../state-ttl-config.ts';
import type { Namespace } from '../state.ts';

/**
 * A cached state entry: the value of one (key, namespace) of one state, in its live form (a list's array, a map's
 * CanonicalMap). `value` undefined means "no entry" (known absent, or deleted and not yet written). An entry is
 * `dirty` from its first change until a flush encodes it into a write batch, and may leave the cache only once
 * that batch has completed (`writeSeq <= completedSeq`), so a read that misses the cache always finds the latest
 * value in LevelDB.
 */
export class CacheEntry {
  /** CLOCK reference bit: set by every access, cleared by the eviction sweep (second chance). */
  ref = true;
  dirty = false;
  /** Set when the entry left the cache; a state object must not keep using it then. */
  evicted = false;
  /** Sequence number of the write batch holding the latest flushed value (0: never written). */
  writeSeq = 0;
  /** The change segment this entry's key was last recorded in (incremental checkpoints). */
  segment = 0;
  /** The encoded LevelDB key, once computed. */
  dbKey: Buffer | undefined = undefined;
  /** The bytes of the latest flush while changes are tracked (undefined: deleted), for in-memory deltas. */
  flushed: Buffer | undefined = undefined;

  constructor(
    readonly table: LevelDBStateTable,
    readonly key: Key,
    readonly canonicalKey: CanonicalKey,
    readonly namespace: Namespace,
    /** `canonicalKey(namespace)`, undefined for the void namespace. */
    readonly namespaceKey: CanonicalKey | undefined,
    readonly keyGroup: number,
    public value: unknown,
    /** When the time to live last restarted (ms); 0 without TTL. */
    public timestamp: number,
    /** Estimated bytes (encoded size when known), for the cache's byte bound. */
    public size: number,
  ) {}
}

/** The cached entries of one state, plus what its LevelDB keys and values need: id, kind, TTL. */
export class LevelDBStateTable {
  /** Per key group (index from the backend's first key group): void-namespace entries by key. */
  readonly #plain: Map<CanonicalKey, CacheEntry>[];
  /** Per key group: entries by key, then namespace. */
  readonly #namespaced: Map<CanonicalKey, Map<CanonicalKey, CacheEntry>>[];
  readonly #firstKeyGroup: number;
  /** The TTL configuration in force (the registering descriptor's, or a restored one until then). */
  ttl: StateTtlConfig | undefined;
  /** Where incremental TTL cleanup of the cached entries resumes. */
  cleanupCursor: Iterator<CacheEntry> | undefined;

  constructor(
    /** The 16-bit id in this backend's LevelDB keys. */
    readonly id: number,
    readonly name: string,
    readonly kind: StateKind,
    ttl: StateTtlConfig | undefined,
    keyGroupRange: KeyGroupRange,
  ) {
    this.ttl = ttl;
    // Small maps per key group look up faster than one big map, as in the heap backend's StateTable.
    this.#firstKeyGroup = keyGroupRange.startKeyGroup;
    this.#plain = Array.from({ length: keyGroupRange.numberOfKeyGroups }, () => new Map());
    this.#namespaced = Array.from({ length: keyGroupRange.numberOfKeyGroups }, () => new Map());
  }

  get(keyGroup: number, key: CanonicalKey, namespaceKey: CanonicalKey | undefined): CacheEntry | undefined {
    const i = keyGroup - this.#firstKeyGroup;
    if (namespaceKey === undefined) return this.#plain[i]!.get(key);
    return this.#namespaced[i]!.get(key)?.get(namespaceKey);
  }

  add(entry: CacheEntry): void {
    const i = entry.keyGroup - this.#firstKeyGroup;
    if (entry.namespaceKey === undefined) {
      this.#plain[i]!.set(entry.canonicalKey, entry);
      return;
    }
    const byKey = this.#namespaced[i]!;
    let byNamespace = byKey.get(entry.canonicalKey);
    if (byNamespace === undefined) byKey.set(entry.canonicalKey, (byNamespace = new Map()));
    byNamespace.set(entry.namespaceKey, entry);
  }

  delete(entry: CacheEntry): void {
    const i = entry.keyGroup - this.#firstKeyGroup;
    if (entry.namespaceKey === undefined) {
      this.#plain[i]!.delete(entry.canonicalKey);
      return;
    }
    const byKey = this.#namespaced[i]!;
    const byNamespace = byKey.get(entry.canonicalKey);
    if (byNamespace === undefined) return;
    byNamespace.delete(entry.namespaceKey);
    if (byNamespace.size === 0) byKey.delete(entry.canonicalKey);
  }

  /** The cached entries (live: entries removed meanwhile are skipped). */
  *entries(): Generator<CacheEntry> {
    for (let i = 0; i < this.#plain.length; i++) {
      yield* this.#plain[i]!.values();
      for (const byNamespace of this.#namespaced[i]!.values()) yield* byNamespace.values();
    }
  }

  clear(): void {
    for (const m of this.#plain) m.clear();
    for (const m of this.#namespaced) m.clear();
    this.cleanupCursor = undefined;
  }

  /** The stored (snapshot) form of a live value: a map's pairs; other kinds as they are. */
  toStored(value: unknown): unknown {
    return this.kind === 'map' ? (value as CanonicalMap<unknown, unknown>).toPairs() : value;
  }

  /** The live form of a stored value (decoded data is fresh, so nothing is copied). */
  fromStored(data: unknown): unknown {
    return this.kind === 'map' ? CanonicalMap.fromPairs(data as readonly (readonly [unknown, unknown])[]) : data;
  }
}
