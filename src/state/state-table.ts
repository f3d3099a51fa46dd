// The storage of one keyed state on the heap: per key group, a Map from key to entry (and per namespace).

import { canonicalKey, type Key, type KeyGroupRange } from './key-group.ts';
import type { CanonicalKey } from './key-context.ts';
import type { KeyGroupStateSnapshot, StateSnapshot, StateSnapshotEntry } from './keyed-state-snapshot.ts';
import { CanonicalMap } from './canonical-map.ts';
import type { StateKind } from './state-descriptor.ts';
import { StateEntry } from './state-entry.ts';
import type { StateTtlConfig } from './state-ttl-config.ts';
import type { Namespace } from './state.ts';

type KeyMap<V> = Map<CanonicalKey, StateEntry<V>>;

/**
 * All entries of one state: `plain[i]` holds the void-namespace entries of key group `start + i`, and
 * `namespaced[i]` maps a key to its entries per namespace. Keeping key groups apart makes a snapshot of a key-group
 * range, and a restore at another parallelism, a matter of selecting maps.
 */
export class StateTable<V> {
  readonly #plain: KeyMap<V>[];
  readonly #namespaced: Map<CanonicalKey, Map<CanonicalKey, StateEntry<V>>>[];
  /** The TTL configuration in force (the registering descriptor's), if any. */
  ttl: StateTtlConfig | undefined;
  /**
   * Bumped by every change of which entries exist (insert, remove, clear): a state object's cached entry is
   * valid only while it is unchanged.
   */
  version = 0;
  #cleanupCursor: Iterator<StateEntry<V>> | undefined;

  constructor(
    readonly name: string,
    readonly kind: StateKind,
    readonly keyGroupRange: KeyGroupRange,
    ttl: StateTtlConfig | undefined,
  ) {
    const n = keyGroupRange.numberOfKeyGroups;
    this.#plain = Array.from({ length: n }, () => new Map());
    this.#namespaced = Array.from({ length: n }, () => new Map());
    this.ttl = ttl;
  }

  /** The entry of (key, namespace); `namespaceKey` undefined means the void namespace. */
  get(keyGroupIndex: number, key: CanonicalKey, namespaceKey: CanonicalKey | undefined): StateEntry<V> | undefined {
    if (namespaceKey === undefined) return this.#plain[keyGroupIndex]!.get(key);
    return this.#namespaced[keyGroupIndex]!.get(key)?.get(namespaceKey);
  }

  /** Stores a new entry (replacing any entry of the same key and namespace). */
  insert(entry: StateEntry<V>): void {
    this.version++;
    if (entry.namespaceKey === undefined) {
      this.#plain[entry.keyGroupIndex]!.set(entry.canonicalKey, entry);
      return;
    }
    const byKey = this.#namespaced[entry.keyGroupIndex]!;
    let byNamespace = byKey.get(entry.canonicalKey);
    if (byNamespace === undefined) byKey.set(entry.canonicalKey, (byNamespace = new Map()));
    byNamespace.set(entry.namespaceKey, entry);
  }

  remove(keyGroupIndex: number, key: CanonicalKey, namespaceKey: CanonicalKey | undefined): void {
    this.version++;
    if (namespaceKey === undefined) {
      this.#plain[keyGroupIndex]!.delete(key);
      return;
    }
    const byKey = this.#namespaced[keyGroupIndex]!;
    const byNamespace = byKey.get(key);
    if (byNamespace === undefined) return;
    byNamespace.delete(namespaceKey);
    if (byNamespace.size === 0) byKey.delete(key);
  }

  /** Whether an entry's time to live has run out at `now`. */
  isExpired(entry: StateEntry<V>, now: number): boolean {
    const ttl = this.ttl;
    return ttl !== undefined && entry.timestamp + ttl.ttlMs <= now;
  }

  /** Number of entries (all keys, all namespaces). */
  size(): number {
    let n = 0;
    for (let i = 0; i < this.#plain.length; i++) {
      n += this.#plain[i]!.size;
      for (const byNamespace of this.#namespaced[i]!.values()) n += byNamespace.size;
    }
    return n;
  }

  /** Every entry, key group by key group (live: entries removed meanwhile are skipped). */
  *entries(): Generator<StateEntry<V>> {
    for (let i = 0; i < this.#plain.length; i++) {
      yield* this.#plain[i]!.values();
      for (const byNamespace of this.#namespaced[i]!.values()) yield* byNamespace.values();
    }
  }

  /** The keys with an entry in `namespace` (void by default). */
  *keys(namespace: Namespace = null): Generator<Key> {
    const nsKey = namespace === null ? undefined : canonicalKey(namespace);
    for (let i = 0; i < this.#plain.length; i++) {
      if (nsKey === undefined) {
        for (const e of this.#plain[i]!.values()) yield e.key;
      } else {
        for (const byNamespace of this.#namespaced[i]!.values()) {
          const e = byNamespace.get(nsKey);
          if (e !== undefined) yield e.key;
        }
      }
    }
  }

  /**
   * Flink's incremental TTL cleanup: visits up to `count` entries, resuming where the last visit stopped and
   * wrapping around, and removes the expired ones.
   */
  cleanupIncrementally(count: number, now: number): void {
    for (let visited = 0; visited < count; visited++) {
      this.#cleanupCursor ??= this.entries();
      let next = this.#cleanupCursor.next();
      if (next.done === true) {
        this.#cleanupCursor = this.entries();
        next = this.#cleanupCursor.next();
        if (next.done === true) return; // empty
      }
      const e = next.value;
      if (this.isExpired(e, now)) this.remove(e.keyGroupIndex, e.canonicalKey, e.namespaceKey);
    }
  }

  /** Removes every entry. */
  clearAll(): void {
    this.version++;
    for (let i = 0; i < this.#plain.length; i++) {
      this.#plain[i]!.clear();
      this.#namespaced[i]!.clear();
    }
    this.#cleanupCursor = undefined;
  }

  /**
   * Copies the entries of the key groups in `range` into plain data. Values are captured by reference, except
   * the containers state owns (list arrays, map-state maps, aggregating accumulators), which are copied; with
   * full-snapshot cleanup, entries expired at `now` are left out.
   */
  snapshot(range: KeyGroupRange, now: number): StateSnapshot {
    const ttl = this.ttl;
    const skipExpired = ttl !== undefined && ttl.cleanupFullSnapshot;
    const toData = snapshotForm(this.kind);
    const keyGroups: KeyGroupStateSnapshot[] = [];
    const start = this.keyGroupRange.startKeyGroup;
    const from = Math.max(range.startKeyGroup, start);
    const to = Math.min(range.endKeyGroup, this.keyGroupRange.endKeyGroup);
    for (let g = from; g <= to; g++) {
      const entries: StateSnapshotEntry[] = [];
      const add = (e: StateEntry<V>): void => {
        if (skipExpired && e.timestamp + ttl.ttlMs <= now) return;
        const value = toData(e.value);
        if (e.namespaceKey !== undefined) {
          entries.push([e.canonicalKey, e.key, value, ttl === undefined ? null : e.timestamp, e.namespace]);
        } else if (ttl !== undefined) entries.push([e.canonicalKey, e.key, value, e.timestamp]);
        else entries.push([e.canonicalKey, e.key, value]);
      };
      const plain = this.#plain[g - start]!;
      const columns = ttl === undefined && plain.size > 0 ? captureColumns(plain, toData, entries) : undefined;
      if (columns === undefined) for (const e of plain.values()) add(e);
      for (const byNamespace of this.#namespaced[g - start]!.values()) for (const e of byNamespace.values()) add(e);
      if (entries.length > 0 || columns !== undefined) keyGroups.push(columns === undefined ? { keyGroup: g, entries } : { keyGroup: g, entries, columns });
    }
    const out: StateSnapshot = { name: this.name, kind: this.kind, keyGroups };
    return ttl === undefined ? out : { ...out, ttl: ttl.toData() };
  }

  /**
   * Loads one key group's entries from a snapshot (the key group must be in this table's range). Entries without a
   * TTL timestamp get `now`, so state restored into a TTL-enabled descriptor gets a full time to live.
   */
  restoreKeyGroup(keyGroup: KeyGroupStateSnapshot, now: number): void {
    const index = keyGroup.keyGroup - this.keyGroupRange.startKeyGroup;
    const fromData = restoredForm(this.kind);
    const columns = keyGroup.columns;
    if (columns !== undefined) {
      const { keys, values } = columns;
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as string | number;
        this.insert(new StateEntry<V>(key, key, null, undefined, index, fromData(values[i]) as V, now));
      }
    }
    for (const entry of keyGroup.entries) {
      const [ck, key, value] = entry;
      const ts = entry.length > 3 && entry[3] !== null && entry[3] !== undefined ? entry[3] : now;
      const namespace: Namespace = entry.length > 4 ? (entry[4] ?? null) : null;
      const nsKey = namespace === null ? undefined : canonicalKey(namespace);
      this.insert(new StateEntry<V>(key, ck, namespace, nsKey, index, fromData(value) as V, ts));
    }
  }
}

/** How each kind's stored value becomes snapshot data: owned containers are copied, other values kept. */
function snapshotForm(kind: StateKind): (value: unknown) => unknown {
  switch (kind) {
    case 'list':
      return (value) => (value as readonly unknown[]).slice();
    case 'map':
      return (value) => (value as CanonicalMap<unknown, unknown>).toPairs();
    case 'aggregating':
      // AggregateFunction.add may update its accumulator in place: the capture must not see later updates.
      return (value) => (typeof value === 'object' && value !== null ? structuredClone(value) : value);
    default:
      return (value) => value;
  }
}

/** The inverse of snapshotForm. */
function restoredForm(kind: StateKind): (data: unknown) => unknown {
  switch (kind) {
    case 'list':
      return (data) => Array.from(data as readonly unknown[]);
    case 'map':
      return (data) => CanonicalMap.fromPairs(data as readonly (readonly [unknown, unknown])[]);
    default:
      return (data) => data;
  }
}

/**
 * The void-namespace entries of one key group as columns (see KeyGroupStateSnapshot): numbers go into
 * Float64Arrays until a value of another type turns that column into a plain array. Entries whose key is not its
 * own canonical form (composite keys) go to `rest`; undefined when none fits a column.
 */
function captureColumns<V>(
  plain: Map<CanonicalKey, StateEntry<V>>,
  toData: (value: unknown) => unknown,
  rest: StateSnapshotEntry[],
): { keys: Float64Array | unknown[]; values: Float64Array | unknown[] } | undefined {
  const n = plain.size;
  let numKeys: Float64Array | undefined = new Float64Array(n);
  let numValues: Float64Array | undefined = new Float64Array(n);
  let keys: unknown[] | undefined;
  let values: unknown[] | undefined;
  let i = 0;
  for (const e of plain.values()) {
    const key = e.key;
    if (key !== e.canonicalKey) {
      rest.push([e.canonicalKey, key, toData(e.value)]);
      continue;
    }
    const value = toData(e.value);
    if (numKeys !== undefined) {
      if (typeof key === 'number') numKeys[i] = key;
      else {
        keys = Array.from(numKeys.subarray(0, i));
        numKeys = undefined;
        keys.push(key);
      }
    } else keys!.push(key);
    if (numValues !== undefined) {
      if (typeof value === 'number') numValues[i] = value;
      else {
        values = Array.from(numValues.subarray(0, i));
        numValues = undefined;
        values.push(value);
      }
    } else values!.push(value);
    i++;
  }
  if (i === 0) return undefined;
  return {
    keys: numKeys !== undefined ? numKeys.subarray(0, i) : keys!,
    values: numValues !== undefined ? numValues.subarray(0, i) : values!,
  };
}
