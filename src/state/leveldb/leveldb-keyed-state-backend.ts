// Keyed state in a classic-level (LevelDB) database per task, behind a write-back cache, with incremental checkpoints.

import { rm } from 'node:fs/promises';
import { decodeKeyedSnapshot } from '../keyed-snapshot-codec.ts';
import { TimerServices } from '../timer-services.ts';
import type { HeapKeyedStateHandle } from '../state-handle.ts';
import type { Clock } from '../../core/clock.ts';
import { IllegalArgumentError, IllegalStateError, SluiceError } from '../../core/errors.ts';
import type { AggregatingStateDescriptor } from '../aggregating-state-descriptor.ts';
import { CanonicalMap } from '../canonical-map.ts';
import type { InternalTimerService } from '../internal-timer-service.ts';
import { KeyContext } from '../key-context.ts';
import { KeyGroupRange, canonicalKey, type Key } from '../key-group.ts';
import type { TimerServiceOptions } from '../keyed-state-backend.ts';
import { KEYED_STATE_SNAPSHOT_VERSION, keyGroupEntries, type KeyedStateSnapshot, type TimerServiceSnapshot } from '../keyed-state-snapshot.ts';
import type { ReducingStateDescriptor } from '../reducing-state-descriptor.ts';
import type { StateDescriptor, StateKind } from '../state-descriptor.ts';
import type {
  CheckpointableKeyedStateBackend,
  KeyedStateHandle,
  LevelDBKeyedStateHandle,
  SnapshotStorageLocation,
  StreamStateHandle,
} from '../state-handle.ts';
import { StateTtlConfig } from '../state-ttl-config.ts';
import type { InternalKvState, Namespace, State } from '../state.ts';
import type { ValueStateDescriptor } from '../value-state-descriptor.ts';
import { AbstractLevelDBState, cleanupCachedIncrementally } from './abstract-leveldb-state.ts';
import { DEFAULT_CONSOLIDATION_POLICY, IncrementalCheckpointChain, type ConsolidationPolicy } from './incremental-checkpoint-chain.ts';
import { MAX_STATE_ID, decodeStateKey, encodeNamespacePart, keyGroupStart, namespacePartOf, stateIdOf } from './key-codec.ts';
import { LevelDBAggregatingState } from './leveldb-aggregating-state.ts';
import { readCanonicalSnapshot } from './leveldb-canonical-snapshot.ts';
import { LevelDBListState } from './leveldb-list-state.ts';
import { LevelDBMapState } from './leveldb-map-state.ts';
import { LevelDBReducingState } from './leveldb-reducing-state.ts';
import { restoreFromLevelDBHandles } from './leveldb-restore-operation.ts';
import { writeLevelDBCheckpoint, type CapturedState, type CheckpointCapture } from './leveldb-snapshot-writer.ts';
import { LevelDBStateTable } from './leveldb-state-table.ts';
import { LevelDBStore } from './leveldb-store.ts';
import { LevelDBValueState } from './leveldb-value-state.ts';
import { PredefinedOptions, levelDBOptionsFor, type LevelDBOpenOptions } from './predefined-options.ts';
import type { SnapshotStateMeta } from './snapshot-file.ts';
import { TtlCleanupSweeper } from './ttl-cleanup-sweeper.ts';
import { ValueCodec } from './value-codec.ts';
import { WriteBackCache, type WriteBackCacheOptions } from './write-back-cache.ts';

/** What a LevelDBKeyedStateBackend is built from. */
export interface LevelDBKeyedStateBackendOptions {
  /** The key groups this subtask owns (`KeyGroupRange.forOperator(maxParallelism, parallelism, index)`). */
  readonly keyGroupRange: KeyGroupRange;
  readonly maxParallelism: number;
  /** Processing time for state TTL. */
  readonly clock: Clock;
  /** The database's working directory; whatever is there is deleted first (a fresh backend starts empty). */
  readonly dbPath: string;
  /** LevelDB option preset (default DEFAULT); `dbOptions` override single options. */
  readonly predefinedOptions?: PredefinedOptions;
  readonly dbOptions?: Partial<LevelDBOpenOptions>;
  /** Incremental checkpoints (default true); false writes every checkpoint in full. */
  readonly incrementalCheckpoints?: boolean;
  /** Bounds of the write-back cache. */
  readonly cache?: WriteBackCacheOptions;
  /** When an incremental checkpoint writes a new base instead of a delta. */
  readonly consolidation?: Partial<ConsolidationPolicy>;
}

/** Options of one `snapshotToStorage` call. */
export interface LevelDBSnapshotOptions {
  /** Write a self-contained base even if a delta would do (savepoints). */
  readonly forceFull?: boolean;
}

const noop = (): void => {};

/**
 * Keyed state in a classic-level (LevelDB) database in a per-task working directory: state larger than memory,
 * incremental checkpoints. Use `await LevelDBKeyedStateBackend.create(options)`; `close()` when done.
 *
 * The per-record path is synchronous and promise-free: state objects read and write a write-back cache
 * (`WriteBackCache`), which reads LevelDB with `getSync` on a miss and writes dirty entries in batches between
 * records. Timers are kept on the heap (`InternalTimerService`, Flink's HEAP timer option) and written whole into
 * each checkpoint's private metadata file.
 *
 * Checkpoints (`snapshotToStorage`): the capture flushes the dirty entries into the write queue and takes, with
 * them, the bytes each key changed since the last capture was flushed with, so processing continues at once; the
 * writer then writes a delta (those changes, deletes as tombstones) or a base (the previous chain's files merged
 * with them) into `shared/`, and the metadata and timers into the checkpoint's own directory, without reading
 * LevelDB. Only when there is no chain to build on (incremental checkpoints off, a restore that could not be
 * adopted) does the capture also queue a LevelDB snapshot, which the writer scans. See `IncrementalCheckpointChain`
 * for when a base is written.
 *
 * The synchronous plain-data `snapshot()` and `getKeys()` of KeyedStateBackend would have to scan LevelDB, whose
 * iterators are asynchronous: they throw, and `snapshotAsync()` / `getKeysAsync()` do the same job. `restore()`
 * of plain-data snapshots (heap or LevelDB, e.g. a canonical savepoint) is synchronous.
 *
 * @example
 * const backend = await LevelDBKeyedStateBackend.create({ keyGroupRange: KeyGroupRange.forOperator(128, 2, 0),
 *   maxParallelism: 128, clock: systemClock, dbPath: '/tmp/sluice/job/op-0' });
 * const count = backend.getPartitionedState(new ValueStateDescriptor<number>('count', 0));
 * for (const record of batch) {
 *   backend.setCurrentKey(record.user);
 *   count.update(count.value()! + 1);
 * }
 * await backend.flush(); // between batches, optional: writes dirty entries, lets the cache shrink
 * const handle = await backend.snapshotToStorage(location)();
 * backend.notifyCheckpointComplete(location.checkpointId);
 */
export class LevelDBKeyedStateBackend implements CheckpointableKeyedStateBackend {
  readonly keyGroupRange: KeyGroupRange;
  readonly maxParallelism: number;
  readonly #clock: Clock;
  readonly #ctx: KeyContext;
  readonly #store: LevelDBStore;
  readonly #codec = new ValueCodec();
  readonly #cache: WriteBackCache;
  readonly #chains: IncrementalCheckpointChain;
  readonly #sweeper: TtlCleanupSweeper;
  readonly #incremental: boolean;
  readonly #tables = new Map<string, LevelDBStateTable>();
  readonly #tablesById = new Map<number, LevelDBStateTable>();
  readonly #states = new Map<string, AbstractLevelDBState<unknown>>();
  readonly #everyRecordCleanup: LevelDBStateTable[] = [];
  readonly #timers: TimerServices;
  #nextStateId = 0;
  #closed = false;
  /** Checkpoint writers running now (close waits for them). */
  readonly #writers = new Set<Promise<void>>();

  private constructor(options: LevelDBKeyedStateBackendOptions, store: LevelDBStore) {
    this.keyGroupRange = options.keyGroupRange;
    this.maxParallelism = options.maxParallelism;
    this.#clock = options.clock;
    this.#store = store;
    this.#ctx = new KeyContext(options.keyGroupRange, options.maxParallelism);
    this.#timers = new TimerServices(this.#ctx);
    this.#cache = new WriteBackCache(store, this.#codec, options.clock, options.cache);
    this.#incremental = options.incrementalCheckpoints ?? true;
    this.#chains = new IncrementalCheckpointChain({ ...DEFAULT_CONSOLIDATION_POLICY, ...options.consolidation });
    this.#cache.trackChanges(this.#incremental);
    this.#sweeper = new TtlCleanupSweeper(store, this.#cache, this.#codec, options.clock, options.keyGroupRange, (id) => this.#tablesById.get(id));
    this.#cache.cleanupSweeper = this.#sweeper;
    this.#ctx.addKeySelectionListener(() => this.#afterKeySelection());
  }

  /** Opens a fresh database at `options.dbPath` (deleting a stale one) and returns the backend on it. */
  static async create(options: LevelDBKeyedStateBackendOptions): Promise<LevelDBKeyedStateBackend> {
    validate(options);
    const dbOptions = { ...levelDBOptionsFor(options.predefinedOptions ?? PredefinedOptions.DEFAULT), ...options.dbOptions };
    const store = await LevelDBStore.open(options.dbPath, dbOptions);
    try {
      return new LevelDBKeyedStateBackend(options, store);
    } catch (error) {
      await store.close();
      await rm(options.dbPath, { recursive: true, force: true });
      throw error;
    }
  }

  /** The database's working directory. */
  get dbPath(): string {
    return this.#store.path;
  }

  /** The write-back cache (sizes and bounds, for metrics and tests). */
  get cache(): Pick<WriteBackCache, 'size' | 'dirtyCount' | 'bytes' | 'maxEntries' | 'maxBytes' | 'maxDirtyEntries'> {
    return this.#cache;
  }

  /** Expired entries removed from LevelDB by incremental TTL cleanup so far. */
  get ttlEntriesCleanedUp(): number {
    return this.#sweeper.removed;
  }

  /** Write batches dispatched and not yet completed. */
  get writesInFlight(): number {
    return this.#store.dispatchedSeq - this.#store.completedSeq;
  }

  setCurrentKey(key: Key): void {
    this.#ctx.setCurrentKey(key);
  }

  getCurrentKey(): Key {
    const key = this.#ctx.currentKey;
    if (key === undefined) throw new IllegalStateError('no current key: call setCurrentKey(key) first');
    return key;
  }

  getCurrentKeyGroup(): number {
    return this.#ctx.currentKeyGroup;
  }

  getPartitionedState<S extends State>(descriptor: StateDescriptor<S>): S & InternalKvState;
  getPartitionedState<S extends State>(namespace: Namespace, descriptor: StateDescriptor<S>): S & InternalKvState;
  getPartitionedState<S extends State>(
    namespaceOrDescriptor: Namespace | StateDescriptor<S>,
    maybeDescriptor?: StateDescriptor<S>,
  ): S & InternalKvState {
    const hasNamespace = maybeDescriptor !== undefined;
    const descriptor = (hasNamespace ? maybeDescriptor : namespaceOrDescriptor) as StateDescriptor<S>;
    let state = this.#states.get(descriptor.name);
    if (state === undefined) state = this.#createState(descriptor);
    else checkKind(descriptor.name, this.#tables.get(descriptor.name)!.kind, descriptor.kind);
    if (hasNamespace) state.setCurrentNamespace(namespaceOrDescriptor as Namespace);
    return state as unknown as S & InternalKvState;
  }

  /** The timer services created so far. */
  timerServices(): InternalTimerService[] {
    return this.#timers.all();
  }

  getTimerService(name: string, options: TimerServiceOptions): InternalTimerService {
    return this.#timers.get(name, options);
  }

  /** Not available synchronously (LevelDB iterators are asynchronous): use `getKeysAsync`. */
  getKeys(stateName: string, _namespace?: Namespace): Iterable<Key> {
    throw new IllegalStateError(
      `getKeys('${stateName}') cannot list the keys of LevelDB state synchronously; use ` +
        `await LevelDBKeyedStateBackend.getKeysAsync(stateName, namespace)`,
    );
  }

  /** The keys with an entry in the named state and namespace (void by default), as of the call. */
  getKeysAsync(stateName: string, namespace: Namespace = null): Promise<Key[]> {
    this.#checkOpen();
    const table = this.#tables.get(stateName);
    if (table === undefined) return Promise.resolve([]);
    this.#cache.dispatchFlush();
    const pending = this.#store.snapshotAfterQueuedWrites();
    const nsPart = encodeNamespacePart(namespace === null ? undefined : canonicalKey(namespace));
    const range = this.keyGroupRange;
    return (async () => {
      const snapshot = await pending;
      const keys: Key[] = [];
      try {
        await this.#store.scan({ gte: keyGroupStart(range.startKeyGroup), lt: keyGroupStart(range.endKeyGroup + 1) }, snapshot, (chunk) => {
          for (const [k, v] of chunk) {
            if (stateIdOf(k) !== table.id || !namespacePartOf(k).equals(nsPart)) continue;
            const originals = this.#codec.decode(v).originals;
            keys.push(originals !== undefined ? originals[0]! : (decodeStateKey(k).key as Key));
          }
        });
      } finally {
        await snapshot.close();
      }
      return keys;
    })();
  }

  numKeyValueStateEntries(): number {
    return this.#cache.count;
  }

  /** Not available synchronously (LevelDB iterators are asynchronous): use `snapshotAsync` or `snapshotToStorage`. */
  snapshot(_keyGroupRange?: KeyGroupRange): KeyedStateSnapshot {
    throw new IllegalStateError(
      'the LevelDB state backend cannot capture a plain-data snapshot synchronously: checkpoints use ' +
        'snapshotToStorage(location); for the plain-data (canonical) form use await snapshotAsync(keyGroupRange)',
    );
  }

  /**
   * The state and timers of `keyGroupRange` (default: all of this backend's) as plain data, captured at the call:
   * later changes do not show. The same form as the heap backend's `snapshot()`.
   */
  snapshotAsync(keyGroupRange: KeyGroupRange = this.keyGroupRange): Promise<KeyedStateSnapshot> {
    this.#checkOpen();
    const start = Math.max(keyGroupRange.startKeyGroup, this.keyGroupRange.startKeyGroup);
    const end = Math.min(keyGroupRange.endKeyGroup, this.keyGroupRange.endKeyGroup);
    const range = new KeyGroupRange(start, Math.max(end, start - 1));
    this.#cache.dispatchFlush();
    const pending = this.#store.snapshotAfterQueuedWrites();
    const capture = {
      states: this.#capturedStates(),
      keyGroupRange: range,
      maxParallelism: this.maxParallelism,
      timerServices: this.#timerSnapshot(range),
      now: this.#clock.now(),
    };
    return (async () => {
      const snapshot = await pending;
      try {
        return await readCanonicalSnapshot(this.#store, this.#codec, snapshot, capture);
      } finally {
        await snapshot.close();
      }
    })();
  }

  /**
   * Loads plain-data snapshots (heap or LevelDB, from one or several old subtasks), keeping the key groups in this
   * backend's range. Synchronous: entries go into the cache as dirty entries and reach LevelDB with the next flush.
   */
  restore(snapshots: readonly KeyedStateSnapshot[]): void {
    this.#checkOpen();
    for (const snapshot of snapshots) checkRestorable(snapshot, this.maxParallelism);
    const now = this.#clock.now();
    const own = this.keyGroupRange;
    for (const snapshot of snapshots) {
      for (const state of snapshot.states) {
        const table = this.#registerState(state);
        for (const group of state.keyGroups) {
          if (!own.contains(group.keyGroup)) continue;
          for (const entry of keyGroupEntries(group)) {
            const [ck, key, data] = entry;
            const ts = entry.length > 3 && entry[3] !== null && entry[3] !== undefined ? entry[3] : now;
            const namespace: Namespace = entry.length > 4 ? (entry[4] ?? null) : null;
            const e = this.#cache.lookup(table, key, ck, group.keyGroup, namespace, namespace === null ? undefined : canonicalKey(namespace));
            this.#cache.setValue(e, restoredForm(table.kind, data), table.ttl === undefined ? 0 : ts);
            this.#cache.maintain(); // write in batches as we go
          }
        }
      }
      for (const timers of snapshot.timerServices) this.#restoreTimers(timers);
    }
  }

  /**
   * Captures a checkpoint (synchronously, cheaply: dirty entries go into one write batch, a LevelDB snapshot is
   * queued behind it) and returns the writer that stores it under `location` and yields its handle.
   */
  snapshotToStorage(location: SnapshotStorageLocation, options: LevelDBSnapshotOptions = {}): () => Promise<LevelDBKeyedStateHandle> {
    this.#checkOpen();
    this.#cache.dispatchFlush();
    const chain = this.#chains.capture(location.checkpointId, this.#cache.takeChanges());
    // The writer reads LevelDB only when it cannot build on checkpoint files it wrote (see writeLevelDBCheckpoint):
    // only then does it get a snapshot (held while it writes, a snapshot keeps overwritten versions from compaction).
    const mayScan =
      !this.#incremental ||
      chain.base === undefined ||
      chain.base.adopted ||
      this.#chains.writtenSince(chain, location.checkpointId).some((c) => c.adopted);
    const snapshot = mayScan ? this.#store.snapshotAfterQueuedWrites() : undefined;
    snapshot?.catch(noop); // reported by the writer
    const capture: CheckpointCapture = {
      checkpointId: location.checkpointId,
      keyGroupRange: this.keyGroupRange,
      maxParallelism: this.maxParallelism,
      states: this.#capturedStates(),
      timerServices: this.#timerSnapshot(this.keyGroupRange),
      now: this.#clock.now(),
      snapshot,
      chain,
      tracked: this.#incremental,
      forceBase: !this.#incremental || options.forceFull === true,
    };
    return () => {
      if (this.#closed) {
        void capture.snapshot?.then((snapshot) => snapshot.close(), noop);
        return Promise.reject(new IllegalStateError(`checkpoint ${location.checkpointId}: the LevelDB backend was closed before its snapshot was written`));
      }
      const writing = writeLevelDBCheckpoint(this.#store, this.#codec, this.#chains, capture, location);
      const tracked = writing.then(noop, noop).finally(() => this.#writers.delete(tracked));
      this.#writers.add(tracked);
      return writing;
    };
  }

  /**
   * Restores from checkpoint handles (of one or several old subtasks), keeping this backend's key groups; every
   * part's SHA-256 is verified. Call it on a fresh backend, before state is used. After restoring exactly one
   * handle of this key-group range, the next checkpoints build on its files.
   */
  async restoreFromHandles(handles: readonly KeyedStateHandle[], readFile: (handle: StreamStateHandle) => Promise<Uint8Array>): Promise<void> {
    this.#checkOpen();
    // Savepoints are canonical (heap-format handles, whichever backend wrote them): restored as plain data.
    const canonical = handles.filter((h): h is HeapKeyedStateHandle => h.kind === 'heap');
    if (canonical.length > 0) {
      const own = this.keyGroupRange;
      const snapshots: KeyedStateSnapshot[] = [];
      for (const h of canonical) {
        if (h.keyGroupRange.endKeyGroup < own.startKeyGroup || h.keyGroupRange.startKeyGroup > own.endKeyGroup) continue;
        snapshots.push(decodeKeyedSnapshot(await readFile(h.data), h.compressed));
      }
      this.restore(snapshots);
      const rest = handles.filter((h) => h.kind !== 'heap');
      if (rest.length === 0) return;
      handles = rest;
    }
    if (this.#cache.count > 0) {
      throw new IllegalStateError('restoreFromHandles must be called on a fresh LevelDB backend, before any state is written');
    }
    this.#cache.dispatchFlush();
    await this.#store.drain();
    this.#cache.dropAll();
    this.#cache.takeChanges(); // what was flushed before is superseded by the restored state
    const result = await restoreFromLevelDBHandles(
      {
        keyGroupRange: this.keyGroupRange,
        maxParallelism: this.maxParallelism,
        store: this.#store,
        codec: this.#codec,
        registerState: (state) => this.#registerState(state).id,
        restoreTimers: (timers) => timers.forEach((t) => this.#restoreTimers(t)),
        writtenToStore: (key) => this.#cache.writtenToStore(key),
      },
      handles,
      readFile,
    );
    this.#cache.loadedIntoStore(result.entries);
    // Restored entries went straight into LevelDB, untracked: only an adopted chain describes them.
    if (result.adoptableChain !== undefined && this.#incremental) this.#chains.adopt(result.adoptableChain);
    else this.#chains.reset();
  }

  notifyCheckpointComplete(checkpointId: number): void {
    this.#chains.notifyComplete(checkpointId);
  }

  notifyCheckpointAborted(checkpointId: number): void {
    this.#chains.notifyAborted(checkpointId);
  }

  /**
   * Writes every dirty entry, waits for all writes in flight (and a running TTL cleanup step), then shrinks the
   * cache to its bounds. Optional: the backend writes by itself between records; a task may call it between
   * batches to bound memory when writes lag.
   */
  async flush(): Promise<void> {
    this.#checkOpen();
    await this.#sweeper.idle();
    this.#cache.dispatchFlush();
    await this.#store.drain();
    if (this.#cache.size > this.#cache.maxEntries || this.#cache.bytes > this.#cache.maxBytes) this.#cache.evict();
  }

  dispose(): void {
    this.#timers.dispose();
    if (this.#closed) return;
    this.#cache.clearAll();
    for (const table of this.#tables.values()) table.clear();
    this.#chains.reset();
  }

  /** Closes the database and deletes its working directory (its state lives on only in checkpoints). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#timers.dispose();
    // A checkpoint still being written (the task ended or was cancelled meanwhile) finishes reading its snapshot
    // first: closing the database under it would fail it half-way.
    await Promise.all(this.#writers);
    await this.#store.close();
    await rm(this.#store.path, { recursive: true, force: true });
  }

  #afterKeySelection(): void {
    this.#cache.maintain();
    const tables = this.#everyRecordCleanup;
    if (tables.length === 0) return;
    const now = this.#clock.now();
    for (const table of tables) cleanupCachedIncrementally(table, this.#cache, table.ttl!.incrementalCleanupSize, now);
  }

  #createState<S extends State>(descriptor: StateDescriptor<S>): AbstractLevelDBState<unknown> {
    const ttl = descriptor.getTtlConfig();
    let table = this.#tables.get(descriptor.name);
    if (table === undefined) table = this.#addTable(descriptor.name, descriptor.kind, ttl);
    else {
      checkKind(descriptor.name, table.kind, descriptor.kind);
      this.#setTtl(table, ttl); // the registering descriptor's TTL is the one in force
    }
    const args = [table, this.#cache, this.#ctx, this.#clock] as const;
    let state: AbstractLevelDBState<unknown>;
    switch (descriptor.kind) {
      case 'value':
        state = new LevelDBValueState(...args, (descriptor as unknown as ValueStateDescriptor<unknown>).defaultValue);
        break;
      case 'list':
        state = new LevelDBListState(...args) as AbstractLevelDBState<unknown>;
        break;
      case 'map':
        state = new LevelDBMapState(...args) as AbstractLevelDBState<unknown>;
        break;
      case 'reducing':
        state = new LevelDBReducingState(...args, (descriptor as unknown as ReducingStateDescriptor<unknown>).reduceFunction);
        break;
      case 'aggregating':
        state = new LevelDBAggregatingState(...args, (descriptor as unknown as AggregatingStateDescriptor<unknown, unknown, unknown>).aggregateFunction);
        break;
      default:
        throw new IllegalArgumentError(`unknown state kind ${String((descriptor as { kind: unknown }).kind)}`);
    }
    this.#states.set(descriptor.name, state);
    return state;
  }

  /** Registers a restored state, or checks it against the registered one. */
  #registerState(state: SnapshotStateMeta): LevelDBStateTable {
    const table = this.#tables.get(state.name);
    if (table === undefined) return this.#addTable(state.name, state.kind, state.ttl === undefined ? undefined : StateTtlConfig.fromData(state.ttl));
    checkKind(state.name, table.kind, state.kind);
    return table;
  }

  #addTable(name: string, kind: StateKind, ttl: StateTtlConfig | undefined): LevelDBStateTable {
    if (this.#nextStateId > MAX_STATE_ID) {
      throw new IllegalStateError(`a LevelDB keyed state backend holds at most ${MAX_STATE_ID + 1} states; '${name}' is one too many`);
    }
    const table = new LevelDBStateTable(this.#nextStateId++, name, kind, undefined, this.keyGroupRange);
    this.#tables.set(name, table);
    this.#tablesById.set(table.id, table);
    this.#setTtl(table, ttl);
    return table;
  }

  #setTtl(table: LevelDBStateTable, ttl: StateTtlConfig | undefined): void {
    table.ttl = ttl;
    const i = this.#everyRecordCleanup.indexOf(table);
    if (i >= 0) this.#everyRecordCleanup.splice(i, 1);
    if (ttl !== undefined && ttl.runCleanupForEveryRecord && ttl.incrementalCleanupSize > 0) this.#everyRecordCleanup.push(table);
  }

  #capturedStates(): CapturedState[] {
    return [...this.#tables.values()].map((t) => ({ id: t.id, name: t.name, kind: t.kind, ttl: t.ttl }));
  }

  #timerSnapshot(range: KeyGroupRange): TimerServiceSnapshot[] {
    return this.#timers.snapshot(range);
  }

  #restoreTimers(timers: TimerServiceSnapshot): void {
    this.#timers.restore(timers, this.keyGroupRange);
  }

  #checkOpen(): void {
    if (this.#closed) throw new IllegalStateError(`the LevelDB state backend at ${this.#store.path} is closed`);
  }
}

function restoredForm(kind: StateKind, data: unknown): unknown {
  switch (kind) {
    case 'list':
      return Array.from(data as readonly unknown[]);
    case 'map':
      return CanonicalMap.fromPairs(data as readonly (readonly [unknown, unknown])[]);
    default:
      return data;
  }
}

function validate(options: LevelDBKeyedStateBackendOptions): void {
  const { keyGroupRange, maxParallelism, dbPath } = options;
  if (!Number.isInteger(maxParallelism) || maxParallelism < 1 || maxParallelism > 32768) {
    throw new IllegalArgumentError(`maxParallelism must be an integer in 1..32768, got ${maxParallelism}`);
  }
  if (
    !(keyGroupRange instanceof KeyGroupRange) ||
    keyGroupRange.startKeyGroup < 0 ||
    keyGroupRange.endKeyGroup >= maxParallelism ||
    keyGroupRange.numberOfKeyGroups < 1
  ) {
    throw new IllegalArgumentError(
      `keyGroupRange must be a non-empty KeyGroupRange within 0..${maxParallelism - 1}, got ` +
        `${String(keyGroupRange?.startKeyGroup)}..${String(keyGroupRange?.endKeyGroup)}`,
    );
  }
  if (typeof dbPath !== 'string' || dbPath.trim() === '') {
    throw new IllegalArgumentError('the LevelDB state backend needs dbPath: the working directory of its database');
  }
}

function checkRestorable(snapshot: KeyedStateSnapshot, maxParallelism: number): void {
  if (snapshot.version !== KEYED_STATE_SNAPSHOT_VERSION) {
    throw new SluiceError(
      'STATE_INCOMPATIBLE',
      `cannot restore a keyed state snapshot of format version ${String(snapshot.version)}; this sluice reads ` +
        `version ${KEYED_STATE_SNAPSHOT_VERSION}`,
    );
  }
  if (snapshot.maxParallelism !== maxParallelism) {
    throw new SluiceError(
      'STATE_INCOMPATIBLE',
      `cannot restore keyed state taken with max parallelism ${snapshot.maxParallelism} into an operator with max ` +
        `parallelism ${maxParallelism}: key groups would not line up. Keep the max parallelism of a stateful ` +
        `operator unchanged across restores (setMaxParallelism).`,
    );
  }
}

function checkKind(name: string, registered: StateKind, requested: StateKind): void {
  if (registered !== requested) {
    throw new SluiceError(
      'STATE_INCOMPATIBLE',
      `state '${name}' is ${registered} state, but was requested or restored as ${requested} state. ` +
        `Give the new state another name, or keep its kind.`,
    );
  }
}
