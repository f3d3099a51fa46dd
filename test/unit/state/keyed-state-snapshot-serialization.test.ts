// Snapshots are plain data: they survive structuredClone and msgpackr with every key type, then restore.

import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.ts';
import { HeapKeyedStateBackend } from '../../../src/state/heap-keyed-state-backend.ts';
import { KeyGroupRange } from '../../../src/state/key-group.ts';
import type { KeyedStateSnapshot } from '../../../src/state/keyed-state-snapshot.ts';
import { ManualProcessingTimeService } from '../../../src/state/manual-processing-time-service.ts';
import { MapStateDescriptor } from '../../../src/state/map-state-descriptor.ts';
import { StateTtlConfig } from '../../../src/state/state-ttl-config.ts';
import { ValueStateDescriptor } from '../../../src/state/value-state-descriptor.ts';
import { SAMPLE_KEYS } from './keyed-state-backend-contract.ts';

const make = () => new HeapKeyedStateBackend({ keyGroupRange: new KeyGroupRange(0, 127), maxParallelism: 128, clock: new ManualClock(5) });
const packr = new Packr({ useRecords: true, moreTypes: true, useBigIntExtension: true, mapsAsObjects: false });

function populated(): HeapKeyedStateBackend {
  const backend = make();
  const v = backend.getPartitionedState(
    new ValueStateDescriptor<unknown>('v').enableTimeToLive(StateTtlConfig.newBuilder(1_000).build()),
  );
  const m = backend.getPartitionedState(new MapStateDescriptor<unknown, unknown>('m'));
  const timers = backend.getTimerService('t', { processingTimeService: new ManualProcessingTimeService() });
  SAMPLE_KEYS.forEach((key, i) => {
    backend.setCurrentKey(key);
    v.update({ key, i, big: BigInt(i) * 10n ** 20n, when: new Date(i) });
    m.put(key, i);
    m.setCurrentNamespace({ window: i });
    m.put('in-window', key);
    m.setCurrentNamespace(null);
    timers.registerEventTimeTimer({ window: i }, i);
  });
  return backend;
}

describe.each([
  ['structuredClone', (s: KeyedStateSnapshot) => structuredClone(s)],
  ['msgpackr', (s: KeyedStateSnapshot) => packr.unpack(packr.pack(s)) as KeyedStateSnapshot],
])('a snapshot through %s', (_name, roundTrip) => {
  it('restores the same state and timers, for keys of every type', () => {
    const original = populated();
    const snapshot = original.snapshot();
    const restored = make();
    restored.restore([roundTrip(snapshot)]);
    expect(restored.snapshot()).toEqual(snapshot);
    const v = restored.getPartitionedState(new ValueStateDescriptor<unknown>('v'));
    const m = restored.getPartitionedState(new MapStateDescriptor<unknown, unknown>('m'));
    SAMPLE_KEYS.forEach((key, i) => {
      restored.setCurrentKey(key);
      expect(v.value()).toEqual({ key, i, big: BigInt(i) * 10n ** 20n, when: new Date(i) });
      expect(m.get(key)).toBe(i);
      m.setCurrentNamespace({ window: i });
      expect(m.get('in-window')).toEqual(key);
      m.setCurrentNamespace(null);
    });
    const fired: unknown[] = [];
    restored
      .getTimerService('t', { processingTimeService: new ManualProcessingTimeService() })
      .advanceWatermark(1_000, (t) => fired.push([t.key, t.namespace, t.timestamp]));
    expect(fired).toEqual(SAMPLE_KEYS.map((key, i) => [key, { window: i }, i]));
  });
});
