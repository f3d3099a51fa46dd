// State TTL: builder validation, update types, visibility, incremental and per-record cleanup removing entries.

import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.ts';
import { HeapKeyedStateBackend } from '../../../src/state/heap-keyed-state-backend.ts';
import { KeyGroupRange } from '../../../src/state/key-group.ts';
import { ListStateDescriptor } from '../../../src/state/list-state-descriptor.ts';
import { MapStateDescriptor } from '../../../src/state/map-state-descriptor.ts';
import { StateTtlConfig, StateVisibility, UpdateType } from '../../../src/state/state-ttl-config.ts';
import { ValueStateDescriptor } from '../../../src/state/value-state-descriptor.ts';

function setup() {
  const clock = new ManualClock(0);
  const backend = new HeapKeyedStateBackend({ keyGroupRange: new KeyGroupRange(0, 127), maxParallelism: 128, clock });
  return { clock, backend };
}

describe('StateTtlConfig', () => {
  it("has Flink's defaults and accepts a Time-like duration", () => {
    const ttl = StateTtlConfig.newBuilder({ toMilliseconds: () => 5000 }).build();
    expect(ttl.toData()).toEqual({
      ttlMs: 5000,
      updateType: 'OnCreateAndWrite',
      stateVisibility: 'NeverReturnExpired',
      cleanupFullSnapshot: false,
      incrementalCleanupSize: 0,
      runCleanupForEveryRecord: false,
    });
    expect(StateTtlConfig.UpdateType.OnReadAndWrite).toBe(UpdateType.OnReadAndWrite);
    expect(Object.isFrozen(ttl)).toBe(true);
  });

  it('rejects bad values with a message saying what was given', () => {
    expect(() => StateTtlConfig.newBuilder(0)).toThrow('a state TTL must be > 0 ms, got 0');
    expect(() => StateTtlConfig.newBuilder(10).cleanupIncrementally(0, false)).toThrow(/>= 1, got 0/);
    expect(() => StateTtlConfig.newBuilder(10).setUpdateType('Never' as UpdateType)).toThrow(/update type/);
    expect(() => new ValueStateDescriptor('v').enableTimeToLive({} as StateTtlConfig)).toThrow(/StateTtlConfig/);
    expect(() => new ValueStateDescriptor('')).toThrow(/non-empty/);
  });
});

describe('state TTL', () => {
  it('OnCreateAndWrite: reads do not extend the time to live', () => {
    const { clock, backend } = setup();
    const v = backend.getPartitionedState(new ValueStateDescriptor<number>('v').enableTimeToLive(StateTtlConfig.newBuilder(100).build()));
    backend.setCurrentKey('k');
    v.update(1);
    clock.advance(60);
    expect(v.value()).toBe(1);
    clock.advance(60);
    expect(v.value()).toBeUndefined();
  });

  it('OnReadAndWrite: reads extend the time to live', () => {
    const { clock, backend } = setup();
    const ttl = StateTtlConfig.newBuilder(100).setUpdateType(UpdateType.OnReadAndWrite).build();
    const v = backend.getPartitionedState(new ValueStateDescriptor<number>('v').enableTimeToLive(ttl));
    backend.setCurrentKey('k');
    v.update(1);
    for (let i = 0; i < 5; i++) {
      clock.advance(60);
      expect(v.value()).toBe(1);
    }
    clock.advance(100);
    expect(v.value()).toBeUndefined();
  });

  it('ReturnExpiredIfNotCleanedUp returns an expired value once, removing it', () => {
    const { clock, backend } = setup();
    const ttl = StateTtlConfig.newBuilder(100).setStateVisibility(StateVisibility.ReturnExpiredIfNotCleanedUp).build();
    const v = backend.getPartitionedState(new ValueStateDescriptor<number>('v').enableTimeToLive(ttl));
    backend.setCurrentKey('k');
    v.update(1);
    clock.advance(100);
    expect(v.value()).toBe(1);
    expect(backend.numKeyValueStateEntries()).toBe(0);
    expect(v.value()).toBeUndefined();
  });

  it('writing to an expired list or map starts afresh', () => {
    const { clock, backend } = setup();
    const ttl = StateTtlConfig.newBuilder(100).build();
    const list = backend.getPartitionedState(new ListStateDescriptor<number>('l').enableTimeToLive(ttl));
    const map = backend.getPartitionedState(new MapStateDescriptor<string, number>('m').enableTimeToLive(ttl));
    backend.setCurrentKey('k');
    list.add(1);
    map.put('a', 1);
    clock.advance(100);
    list.add(2);
    map.put('b', 2);
    expect([...list.get()]).toEqual([2]);
    expect([...map.keys()]).toEqual(['b']);
  });

  it('incremental cleanup removes expired entries of other keys as the state is used', () => {
    const { clock, backend } = setup();
    const ttl = StateTtlConfig.newBuilder(100).cleanupIncrementally(10, false).build();
    const v = backend.getPartitionedState(new ValueStateDescriptor<number>('v').enableTimeToLive(ttl));
    for (let i = 0; i < 100; i++) {
      backend.setCurrentKey(i);
      v.update(i);
    }
    clock.advance(100);
    backend.setCurrentKey('fresh');
    v.update(0); // 1 entry written, 10 visited (the fresh one may be among them)
    expect(backend.numKeyValueStateEntries()).toBeLessThanOrEqual(92);
    for (let i = 0; i < 12; i++) v.value();
    expect(backend.numKeyValueStateEntries()).toBe(1);
  });

  it('runCleanupForEveryRecord cleans up on every setCurrentKey, without state access', () => {
    const { clock, backend } = setup();
    const ttl = StateTtlConfig.newBuilder(100).cleanupIncrementally(5, true).build();
    const v = backend.getPartitionedState(new ValueStateDescriptor<number>('v').enableTimeToLive(ttl));
    for (let i = 0; i < 50; i++) {
      backend.setCurrentKey(i);
      v.update(i);
    }
    clock.advance(100);
    for (let i = 0; i < 10; i++) backend.setCurrentKey('no-access');
    expect(backend.numKeyValueStateEntries()).toBe(0);
  });
});
