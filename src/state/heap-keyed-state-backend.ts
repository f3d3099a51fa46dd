// Keyed state on the heap: per state, per key group, a Map; snapshots copy the selected key groups into plain data.

import type { Clock } from '../core/clock.ts';
import { IllegalArgumentError, IllegalStateError, SluiceError } from '../core/errors.ts';
import type { AggregatingStateDescriptor } from './aggregating-state-descriptor.ts';
import { AbstractHeapState } from './abstract-heap-state.ts';
import { HeapAggregatingState } from './heap-aggregating-state.ts';
import { HeapListState } from './heap-list-state.ts';
import { HeapMapState } from './heap-map-state.ts';
import { HeapReducingState } from './heap-reducing-state.ts';
import { HeapValueState } from './heap-value-state.ts';
import type { InternalTimerService } from './internal-timer-service.ts';
import { KeyContext } from './key-context.ts';
import { KeyGroupRange, type Key } from './key-group.ts';
import type { TimerServiceOptions } from './keyed-state-backend.ts';
import type {
  CheckpointableKeyedStateBackend,
  KeyedStateHandle,
  SnapshotStorageLocation,
  StreamStateHandle,
} from './state-handle.ts';
import { decodeKeyedSnapshot, encodeKeyedSnapshot } from './keyed-snapshot-codec.ts';
import { writeStreamStateHandle } from './stream-state-io.ts';
import { KEYED_STATE_SNAPSHOT_VERSION, type KeyedStateSnapshot } from './keyed-state-snapshot.ts';
import type { ReducingStateDescriptor } from './reducing-state-descriptor.ts';
import type { StateDescriptor, StateKind } from './state-descriptor.ts';
import { StateTable } from './state-table.ts';
import { TimerServices } from './timer-services.ts';
import { StateTtlConfig } from './state-ttl-config.ts';
import type { InternalKvState, Namespace, State } from './state.ts';
import type { ValueStateDescriptor } from './value-state-descriptor.ts';

/** What a HeapKeyedStateBackend is built from. */
export interface HeapKeyedStateBackendOptions {
  /** The key groups this subtask owns (`KeyGroupRange.forOperator(maxParallelism, parallelism, index)`). */
  readonly keyGroupRange: KeyGroupRange;
  readonly maxParallelism: number;
  /** Processing time for state TTL. */
  readonly clock: Clock;
}

/**
 * Keyed state held in the task's heap (the `memory` and `file` backends' live state).
 *
 * Snapshot capture copies the entries of the selected key groups into fresh arrays (O(entries), no
 * serialization): the live maps can change right after, and the capture can be serialized off the hot path.
 * Values are captured by reference, so a value must not be mutated in place once handed to state (update with a
 * new object); containers state owns (lists, map-state maps, aggregating accumulators) are copied.
 *
 * @example
 * const backend = new HeapKeyedStateBackend({ keyGroupRange: KeyGroupRange.forOperator(128, 2, 0),
 *   maxParallelism: 128, clock: systemClock });
 * const count = backend.getPartitionedState(new ValueStateDescriptor<number>('count', 0));
 * for (const record of batch) {
 *   backend.setCurrentKey(record.user);
 *   count.update(count.value()! + 1);
 * }
 */
export class HeapKeyedStateBackend implements CheckpointableKeyedStateBackend {
  readonly keyGroupRange: KeyGroupRange;
  readonly maxParallelism: number;
  readonly #clock: Clock;
  readonly #ctx: KeyContext;
  readonly #tables = new Map<string, StateTable<unknown>>();
  readonly #states = new Map<string, AbstractHeapState<unknown>>();
  readonly #everyRecordCleanup: StateTable<unknown>[] = [];
  readonly #timers: TimerServices;

  constructor(options: HeapKeyedStateBackendOptions) {
    const { keyGroupRange, maxParallelism, clock } = options;
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
    this.keyGroupRange = keyGroupRange;
    this.maxParallelism = maxParallelism;
    this.#clock = clock;
    this.#ctx = new KeyContext(keyGroupRange, maxParallelism);
    this.#timers = new TimerServices(this.#ctx);
    this.#ctx.addKeySelectionListener(() => this.#cleanupForRecord());
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

  getKeys(stateName: string, namespace: Namespace = null): Iterable<Key> {
    const table = this.#tables.get(stateName);
    return table === undefined ? [] : table.keys(namespace);
  }

  numKeyValueStateEntries(): number {
    let n = 0;
    for (const table of this.#tables.values()) n += table.size();
    return n;
  }

  snapshot(keyGroupRange: KeyGroupRange = this.keyGroupRange): KeyedStateSnapshot {
    const now = this.#clock.now();
    const start = Math.max(keyGroupRange.startKeyGroup, this.keyGroupRange.startKeyGroup);
    const end = Math.min(keyGroupRange.endKeyGroup, this.keyGroupRange.endKeyGroup);
    const range = new KeyGroupRange(start, Math.max(end, start - 1));
    const timerServices = this.#timers.snapshot(range);
    return {
      version: KEYED_STATE_SNAPSHOT_VERSION,
      maxParallelism: this.maxParallelism,
      keyGroupRange: { startKeyGroup: range.startKeyGroup, endKeyGroup: range.endKeyGroup },
      states: [...this.#tables.values()].map((t) => t.snapshot(range, now)),
      timerServices,
    };
  }

  restore(snapshots: readonly KeyedStateSnapshot[]): void {
    for (const snapshot of snapshots) this.#checkRestorable(snapshot);
    const now = this.#clock.now();
    const own = this.keyGroupRange;
    for (const snapshot of snapshots) {
      for (const state of snapshot.states) {
        let table = this.#tables.get(state.name);
        if (table === undefined) {
          const ttl = state.ttl === undefined ? undefined : StateTtlConfig.fromData(state.ttl);
          table = this.#addTable(state.name, state.kind, ttl);
        } else checkKind(state.name, table.kind, state.kind);
        for (const group of state.keyGroups) if (own.contains(group.keyGroup)) table.restoreKeyGroup(group, now);
      }
      for (const timers of snapshot.timerServices) this.#timers.restore(timers, own);
    }
  }

  /**
   * Captures every key group now (an eager copy, see the class comment) and returns the writer that encodes the
   * capture (msgpackr, deflated with compression on) and stores it as one part.
   */
  snapshotToStorage(location: SnapshotStorageLocation): () => Promise<KeyedStateHandle> {
    const capture = this.snapshot();
    return async () => {
      const data = await writeStreamStateHandle(location, 'keyed', encodeKeyedSnapshot(capture, location.compression));
      return {
        kind: 'heap',
        keyGroupRange: capture.keyGroupRange,
        maxParallelism: capture.maxParallelism,
        compressed: location.compression,
        data,
      };
    };
  }

  async restoreFromHandles(
    handles: readonly KeyedStateHandle[],
    readFile: (handle: StreamStateHandle) => Promise<Uint8Array>,
  ): Promise<void> {
    const own = this.keyGroupRange;
    const snapshots: KeyedStateSnapshot[] = [];
    for (const handle of handles) {
      if (handle.kind !== 'heap') {
        throw new SluiceError(
          'STATE_INCOMPATIBLE',
          `this checkpoint holds ${handle.kind} keyed state, which the heap backend cannot read: restore with ` +
            `state.backend: ${handle.kind}`,
        );
      }
      const { startKeyGroup, endKeyGroup } = handle.keyGroupRange;
      if (endKeyGroup < own.startKeyGroup || startKeyGroup > own.endKeyGroup) continue;
      snapshots.push(decodeKeyedSnapshot(await readFile(handle.data), handle.compressed));
    }
    this.restore(snapshots);
  }

  notifyCheckpointComplete(): void {}

  notifyCheckpointAborted(): void {}

  async close(): Promise<void> {
    this.dispose();
  }

  dispose(): void {
    for (const table of this.#tables.values()) table.clearAll();
    this.#timers.dispose();
  }

  #createState<S extends State>(descriptor: StateDescriptor<S>): AbstractHeapState<unknown> {
    const ttl = descriptor.getTtlConfig();
    let table = this.#tables.get(descriptor.name);
    if (table === undefined) table = this.#addTable(descriptor.name, descriptor.kind, ttl);
    else {
      checkKind(descriptor.name, table.kind, descriptor.kind);
      // The registering descriptor's TTL is the one in force (a restored one only until then).
      this.#setTtl(table, ttl);
    }
    const ctx = this.#ctx;
    const clock = this.#clock;
    let state: AbstractHeapState<unknown>;
    switch (descriptor.kind) {
      case 'value':
        state = new HeapValueState(table, ctx, clock, (descriptor as unknown as ValueStateDescriptor<unknown>).defaultValue);
        break;
      case 'list':
        state = new HeapListState(table as StateTable<unknown[]>, ctx, clock) as AbstractHeapState<unknown>;
        break;
      case 'map':
        state = new HeapMapState(table as never, ctx, clock) as AbstractHeapState<unknown>;
        break;
      case 'reducing':
        state = new HeapReducingState(table, ctx, clock, (descriptor as unknown as ReducingStateDescriptor<unknown>).reduceFunction);
        break;
      case 'aggregating':
        state = new HeapAggregatingState(
          table,
          ctx,
          clock,
          (descriptor as unknown as AggregatingStateDescriptor<unknown, unknown, unknown>).aggregateFunction,
        );
        break;
      default:
        throw new IllegalArgumentError(`unknown state kind ${String((descriptor as { kind: unknown }).kind)}`);
    }
    this.#states.set(descriptor.name, state);
    return state;
  }

  #addTable(name: string, kind: StateKind, ttl: StateTtlConfig | undefined): StateTable<unknown> {
    const table = new StateTable<unknown>(name, kind, this.keyGroupRange, undefined);
    this.#tables.set(name, table);
    this.#setTtl(table, ttl);
    return table;
  }

  #setTtl(table: StateTable<unknown>, ttl: StateTtlConfig | undefined): void {
    table.ttl = ttl;
    const i = this.#everyRecordCleanup.indexOf(table);
    if (i >= 0) this.#everyRecordCleanup.splice(i, 1);
    if (ttl !== undefined && ttl.runCleanupForEveryRecord && ttl.incrementalCleanupSize > 0) this.#everyRecordCleanup.push(table);
  }

  #cleanupForRecord(): void {
    const tables = this.#everyRecordCleanup;
    if (tables.length === 0) return;
    const now = this.#clock.now();
    for (const table of tables) table.cleanupIncrementally(table.ttl!.incrementalCleanupSize, now);
  }

  #checkRestorable(snapshot: KeyedStateSnapshot): void {
    if (snapshot.version !== KEYED_STATE_SNAPSHOT_VERSION) {
      throw new SluiceError(
        'STATE_INCOMPATIBLE',
        `cannot restore a keyed state snapshot of format version ${String(snapshot.version)}; this sluice reads ` +
          `version ${KEYED_STATE_SNAPSHOT_VERSION}`,
      );
    }
    if (snapshot.maxParallelism !== this.maxParallelism) {
      throw new SluiceError(
        'STATE_INCOMPATIBLE',
        `cannot restore keyed state taken with max parallelism ${snapshot.maxParallelism} into an operator with max ` +
          `parallelism ${this.maxParallelism}: key groups would not line up. Keep the max parallelism of a stateful ` +
          `operator unchanged across restores (setMaxParallelism).`,
      );
    }
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
