// The contract every keyed state backend (heap, file, LevelDB) fulfils; operators program against it.

import type { Key, KeyGroupRange } from './key-group.ts';
import type { KeyedStateSnapshot } from './keyed-state-snapshot.ts';
import type { InternalTimerService } from './internal-timer-service.ts';
import type { TimerCallback } from './internal-timer.ts';
import type { ProcessingTimeService } from './processing-time-service.ts';
import type { StateDescriptor } from './state-descriptor.ts';
import type { InternalKvState, Namespace, State } from './state.ts';

/** How a timer service is created (the backend provides the key context). */
export interface TimerServiceOptions {
  readonly processingTimeService: ProcessingTimeService;
  /** Called for each processing-time timer that fires, with the timer's key current. */
  readonly onProcessingTime?: TimerCallback;
}

/**
 * Keyed state of one operator subtask, for the key groups of `keyGroupRange` (Flink's `KeyedStateBackend`).
 * Everything is synchronous. Per record an operator calls `setCurrentKey(key)`, then uses state objects obtained
 * once in `open()`; they act on whatever key is current.
 */
export interface KeyedStateBackend {
  readonly keyGroupRange: KeyGroupRange;
  readonly maxParallelism: number;

  /** Makes `key` current (computes its key group once). Throws KEY_GROUP_OUT_OF_RANGE for a foreign key. */
  setCurrentKey(key: Key): void;
  /** The current key; throws ILLEGAL_STATE before the first `setCurrentKey`. */
  getCurrentKey(): Key;
  /** The current key's key group; -1 before the first `setCurrentKey`. */
  getCurrentKeyGroup(): number;

  /**
   * The state object for `descriptor` (the same object for the same name), bound to the current key, in the void
   * namespace unless `setCurrentNamespace` was called on it. Throws STATE_INCOMPATIBLE when the name is registered
   * or restored as another kind.
   */
  getPartitionedState<S extends State>(descriptor: StateDescriptor<S>): S & InternalKvState;
  /** As above, with the state object's current namespace set to `namespace` (window state). */
  getPartitionedState<S extends State>(namespace: Namespace, descriptor: StateDescriptor<S>): S & InternalKvState;

  /** The named timer service of this backend (created on first use; later calls return it and ignore options). */
  getTimerService(name: string, options: TimerServiceOptions): InternalTimerService;

  /** The keys with an entry in the named state and namespace (void by default). */
  getKeys(stateName: string, namespace?: Namespace): Iterable<Key>;

  /** Number of stored entries over all states, keys and namespaces (expired ones not yet removed included). */
  numKeyValueStateEntries(): number;

  /** A plain-data capture of the state and timers of `keyGroupRange` (default: all of this backend's). */
  snapshot(keyGroupRange?: KeyGroupRange): KeyedStateSnapshot;

  /**
   * Loads snapshots (from one or several old subtasks), keeping the key groups in this backend's range. Throws
   * STATE_INCOMPATIBLE for another max parallelism, snapshot version, or a state name of another kind.
   */
  restore(snapshots: readonly KeyedStateSnapshot[]): void;

  /** Drops all state and cancels timers. */
  dispose(): void;
}
