// The plain-data (canonical) form of LevelDB state: a KeyedStateSnapshot, the same form the heap backend produces.

import type { KeyGroupRange } from '../key-group.ts';
import {
  KEYED_STATE_SNAPSHOT_VERSION,
  type KeyGroupStateSnapshot,
  type KeyedStateSnapshot,
  type StateSnapshot,
  type StateSnapshotEntry,
  type TimerServiceSnapshot,
} from '../keyed-state-snapshot.ts';
import type { Namespace } from '../state.ts';
import { decodeStateKey, keyGroupStart, stateIdOf } from './key-codec.ts';
import type { CapturedState } from './leveldb-snapshot-writer.ts';
import type { DbSnapshot, LevelDBStore } from './leveldb-store.ts';
import type { ValueCodec } from './value-codec.ts';

/**
 * Reads the entries of `range` from a LevelDB snapshot into a KeyedStateSnapshot. The entries have the heap
 * backend's form (`[canonicalKey, key, value, ttlTimestamp?, namespace?]`, values in snapshot form), so state moves
 * between the heap and LevelDB backends through it (Flink's canonical savepoint format).
 */
export async function readCanonicalSnapshot(
  store: LevelDBStore,
  codec: ValueCodec,
  snapshot: DbSnapshot,
  capture: {
    readonly states: readonly CapturedState[];
    readonly keyGroupRange: KeyGroupRange;
    readonly maxParallelism: number;
    readonly timerServices: readonly TimerServiceSnapshot[];
    readonly now: number;
  },
): Promise<KeyedStateSnapshot> {
  const range = capture.keyGroupRange;
  const collected = new Map<number, { state: CapturedState; groups: Map<number, StateSnapshotEntry[]> }>();
  for (const state of capture.states) collected.set(state.id, { state, groups: new Map() });
  await store.scan({ gte: keyGroupStart(range.startKeyGroup), lt: keyGroupStart(range.endKeyGroup + 1) }, snapshot, (chunk) => {
    for (const [keyBytes, valueBytes] of chunk) {
      const target = collected.get(stateIdOf(keyBytes));
      if (target === undefined) continue;
      const ttl = target.state.ttl;
      const stored = codec.decode(valueBytes);
      const ts = stored.timestamp ?? capture.now;
      if (ttl !== undefined && ttl.cleanupFullSnapshot && ts + ttl.ttlMs <= capture.now) continue;
      const k = decodeStateKey(keyBytes);
      const key = stored.originals !== undefined ? stored.originals[0]! : k.key;
      const namespace: Namespace = stored.originals !== undefined ? stored.originals[1] : (k.namespaceKey ?? null);
      let entry: StateSnapshotEntry;
      if (namespace !== null) entry = [k.key, key, stored.data, ttl === undefined ? null : ts, namespace];
      else if (ttl !== undefined) entry = [k.key, key, stored.data, ts];
      else entry = [k.key, key, stored.data];
      let entries = target.groups.get(k.keyGroup);
      if (entries === undefined) target.groups.set(k.keyGroup, (entries = []));
      entries.push(entry);
    }
  });
  const states: StateSnapshot[] = [];
  for (const { state, groups } of collected.values()) {
    const keyGroups: KeyGroupStateSnapshot[] = [...groups].sort((a, b) => a[0] - b[0]).map(([keyGroup, entries]) => ({ keyGroup, entries }));
    const out: StateSnapshot = { name: state.name, kind: state.kind, keyGroups };
    states.push(state.ttl === undefined ? out : { ...out, ttl: state.ttl.toData() });
  }
  return {
    version: KEYED_STATE_SNAPSHOT_VERSION,
    maxParallelism: capture.maxParallelism,
    keyGroupRange: { startKeyGroup: range.startKeyGroup, endKeyGroup: range.endKeyGroup },
    states,
    timerServices: [...capture.timerServices],
  };
}
