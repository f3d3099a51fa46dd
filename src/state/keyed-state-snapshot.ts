// The plain-data form of a keyed backend's state, written per key group so that a restore can rescale by range.

import type { Key, KeyGroupRange } from './key-group.ts';
import type { CanonicalKey } from './key-context.ts';
import type { StateKind } from './state-descriptor.ts';
import type { StateTtlConfigData } from './state-ttl-config.ts';
import type { Namespace } from './state.ts';

/** Format version of KeyedStateSnapshot; a restore refuses other versions. */
export const KEYED_STATE_SNAPSHOT_VERSION = 1;

/**
 * One stored value: `[canonicalKey, key, value]`; with TTL a fourth element, the timestamp its time to live
 * restarted at; in a non-void namespace a fifth, the namespace (the fourth is then `null` without TTL).
 * Values are in snapshot form: a list state's array, a map state's `[key, value]` pairs.
 */
export type StateSnapshotEntry =
  | readonly [canonicalKey: CanonicalKey, key: Key, value: unknown]
  | readonly [canonicalKey: CanonicalKey, key: Key, value: unknown, ttlTimestamp: number | null]
  | readonly [canonicalKey: CanonicalKey, key: Key, value: unknown, ttlTimestamp: number | null, namespace: Namespace];

/**
 * The entries of one state in one key group. The common case — void namespace, no TTL, a key that is its own
 * canonical form (a number or string) — is stored as two columns, `keys[i]` holding `values[i]`: a
 * `Float64Array` when every one is a number, so capturing and encoding a million numeric entries is a copy
 * of memory rather than a million small arrays. Everything else is in `entries`.
 */
export interface KeyGroupStateSnapshot {
  readonly keyGroup: number;
  readonly entries: readonly StateSnapshotEntry[];
  readonly columns?: { readonly keys: Float64Array | readonly unknown[]; readonly values: Float64Array | readonly unknown[] };
}

/** One state (one descriptor name): its kind, TTL configuration, and entries per non-empty key group. */
export interface StateSnapshot {
  readonly name: string;
  readonly kind: StateKind;
  readonly ttl?: StateTtlConfigData;
  readonly keyGroups: readonly KeyGroupStateSnapshot[];
}

/** A registered timer: `[canonicalKey, key, namespace, timestamp]`. */
export type TimerSnapshotEntry = readonly [canonicalKey: CanonicalKey, key: Key, namespace: Namespace, timestamp: number];

/** The timers of one timer service in one key group. */
export interface KeyGroupTimersSnapshot {
  readonly keyGroup: number;
  readonly eventTime: readonly TimerSnapshotEntry[];
  readonly processingTime: readonly TimerSnapshotEntry[];
}

/** One named timer service's timers, per non-empty key group. */
export interface TimerServiceSnapshot {
  readonly name: string;
  readonly keyGroups: readonly KeyGroupTimersSnapshot[];
}

/** Everything a keyed backend holds for a range of key groups, as plain data (structuredClone / msgpackr safe). */
export interface KeyedStateSnapshot {
  readonly version: number;
  readonly maxParallelism: number;
  /** The key groups this snapshot covers (inclusive); key groups without entries are left out of the lists. */
  readonly keyGroupRange: { readonly startKeyGroup: number; readonly endKeyGroup: number };
  readonly states: readonly StateSnapshot[];
  readonly timerServices: readonly TimerServiceSnapshot[];
}

/**
 * The part of `snapshot` within `range`, without a backend: how a checkpoint's state is handed to the subtasks of
 * another parallelism (`KeyGroupRange.forOperator(maxParallelism, newParallelism, i)`).
 */
export function selectKeyGroups(snapshot: KeyedStateSnapshot, range: KeyGroupRange): KeyedStateSnapshot {
  const start = Math.max(range.startKeyGroup, snapshot.keyGroupRange.startKeyGroup);
  const end = Math.min(range.endKeyGroup, snapshot.keyGroupRange.endKeyGroup);
  const inRange = (g: { keyGroup: number }): boolean => g.keyGroup >= start && g.keyGroup <= end;
  return {
    version: snapshot.version,
    maxParallelism: snapshot.maxParallelism,
    keyGroupRange: { startKeyGroup: start, endKeyGroup: Math.max(end, start - 1) },
    states: snapshot.states.map((s) => ({ ...s, keyGroups: s.keyGroups.filter(inRange) })),
    timerServices: snapshot.timerServices.map((t) => ({ ...t, keyGroups: t.keyGroups.filter(inRange) })),
  };
}

/** Every entry of a key group, from its columns and its entry list alike (for readers that need one form). */
export function* keyGroupEntries(group: KeyGroupStateSnapshot): Generator<StateSnapshotEntry> {
  const columns = group.columns;
  if (columns !== undefined) {
    for (let i = 0; i < columns.keys.length; i++) {
      const key = columns.keys[i] as string | number;
      yield [key, key, columns.values[i]];
    }
  }
  yield* group.entries;
}
